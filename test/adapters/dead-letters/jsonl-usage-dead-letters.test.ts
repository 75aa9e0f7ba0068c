import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { JsonlUsageDeadLetters } from '../../../lambdas/adapters/dead-letters/jsonl-usage-dead-letters.js';
import { decodeLetter, encodeLetter } from '../../../lambdas/adapters/dead-letters/dead-letter-codec.js';
import { replayDeadLetters } from '../../../lambdas/adapters/dead-letters/replay-dead-letters.js';
import type { Settlement } from '../../../lambdas/ports/usage-store.js';

const settlement = (requestId: string, extra: Record<string, string> = {}): Settlement => ({
  record: { requestId, keyId: 'k', at: 1_795_428_000_000, model: 'mock/echo', cost: 5, inputTokens: 1, outputTokens: 2, totalTokens: 3, extra },
  counters: [{ owner: 'key#k', period: '2026-11' }],
  hold: requestId.startsWith('held') ? { requestId, amount: 9, counters: [{ owner: 'key#k', period: '2026-11' }] } : undefined,
});
const reason = { message: 'ValidationException: nope', rejected: true };
const fileIn = () => join(mkdtempSync(join(tmpdir(), 'dead-letters-')), 'dead-letters', 'usage.jsonl');
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const ids = (file: string) => lines(file).map((line) => decodeLetter(line).settlement.record.requestId);

describe('dead letters in a JSON-lines file', () => {
  it('appends each letter as one line, whole, creating the folder', async () => {
    const file = fileIn();
    const letters = new JsonlUsageDeadLetters(file);
    await letters.put(settlement('a', { team: 'x' }), reason);
    await letters.put(settlement('held-b'), { message: 'timeout', rejected: false });
    expect(lines(file).map((line) => decodeLetter(line))).toEqual([
      { settlement: settlement('a', { team: 'x' }), reason, at: expect.any(Number) },
      { settlement: settlement('held-b'), reason: { message: 'timeout', rejected: false }, at: expect.any(Number) },
    ]);
  });

  it('keeps the model requested and the cached tokens of a letter, and reads letters written without them', () => {
    const letter = { settlement: settlement('c'), reason, at: 1 };
    const fuller = { ...letter, settlement: { ...letter.settlement, record: { ...letter.settlement.record, modelRequested: 'policy/cheap', cachedTokens: 1 } } };
    expect(decodeLetter(encodeLetter(fuller))).toEqual(fuller);
    expect(decodeLetter(encodeLetter(letter))).toEqual(letter);
  });

  it('on replay, removes what was written, keeps what failed with its new reason, and keeps letters put meanwhile and unreadable lines', async () => {
    const file = fileIn();
    const letters = new JsonlUsageDeadLetters(file);
    for (const id of ['ok-1', 'bad-2', 'ok-3']) await letters.put(settlement(id), reason);
    writeFileSync(file, 'not json\n', { flag: 'a' });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const report = await replayDeadLetters(
      letters,
      async (s) => {
        if (s.record.requestId === 'ok-1') await letters.put(settlement('new-4'), reason);
        if (s.record.requestId.startsWith('bad')) throw new Error('still refused');
        return s.record.requestId === 'ok-3' ? 'already written' : 'written';
      },
      (error) => ({ message: String(error), rejected: true }),
      () => undefined,
    );
    vi.restoreAllMocks();
    expect(report).toEqual({ written: 1, alreadyWritten: 1, kept: 1 });
    expect(lines(file)).toContain('not json');
    const kept = lines(file).filter((line) => line !== 'not json').map((line) => decodeLetter(line));
    expect(kept.map((letter) => [letter.settlement.record.requestId, letter.reason.message]).sort()).toEqual([
      ['bad-2', 'Error: still refused'],
      ['new-4', reason.message],
    ]);
  });

  it('keeps every letter a replay did not get to when it stops midway', async () => {
    const file = fileIn();
    const letters = new JsonlUsageDeadLetters(file);
    for (const id of ['a', 'b', 'c']) await letters.put(settlement(id), reason);
    for await (const received of letters.letters()) {
      await received.remove();
      break;
    }
    expect(ids(file)).toEqual(['b', 'c']);
    // A replay that died without its cleanup leaves its file aside; the next one reads it.
    writeFileSync(`${file}.replaying-1-1`, `${encodeLetter({ settlement: settlement('d'), reason, at: 1 })}\n`);
    const seen: string[] = [];
    for await (const received of letters.letters()) seen.push(received.letter.settlement.record.requestId);
    expect(seen).toEqual(['d', 'b', 'c']);
    expect(ids(file).sort()).toEqual(['b', 'c', 'd']);
  });

  it('answers nothing when there is no file', async () => {
    const seen: unknown[] = [];
    for await (const received of new JsonlUsageDeadLetters(fileIn()).letters()) seen.push(received);
    expect(seen).toEqual([]);
  });

  it('cuts the text of a letter too large for a queue message, never its money or counters', () => {
    const huge = { ...settlement('held-h', { team: 'y'.repeat(300) }), record: { ...settlement('held-h').record, model: `m/${'x'.repeat(300_000)}`, extra: { team: 'y' } } };
    const text = encodeLetter({ settlement: huge, reason, at: 1 });
    expect(Buffer.byteLength(text)).toBeLessThan(200_000);
    const letter = decodeLetter(text);
    expect(letter.truncated).toBe(true);
    expect(letter.settlement).toEqual({ ...huge, record: { ...huge.record, model: huge.record.model.slice(0, 1_000), extra: {} } });
  });
});
