import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DeadLetter, DeadLetterInbox, DeadLetterReason, ReceivedLetter, UsageDeadLetters } from '../../ports/usage-dead-letters.js';
import type { Settlement } from '../../ports/usage-store.js';
import { decodeLetter, encodeLetter } from './dead-letter-codec.js';

/**
 * Dead letters in a JSON-lines file (locally: `<data folder>/dead-letters/usage.jsonl`), one
 * letter a line, each appended and synced to disk before `put` resolves.
 */
export class JsonlUsageDeadLetters implements UsageDeadLetters, DeadLetterInbox {
  constructor(private readonly path: string) {}

  get description(): string {
    return this.path;
  }

  async put(settlement: Settlement, reason: DeadLetterReason): Promise<void> {
    await this.append([encodeLetter({ settlement, reason, at: Date.now() })]);
  }

  /**
   * The file is first moved aside, so that letters put while a replay runs start a new one;
   * at the end, what was kept (and anything not handled, should the replay stop early) is
   * appended back. A replay that died midway leaves its file aside, and the next one reads it.
   */
  async *letters(): AsyncGenerator<ReceivedLetter> {
    const aside = `${this.path}.replaying-${Date.now()}-${process.pid}`;
    const moved = await rename(this.path, aside).then(
      () => true,
      (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)),
    );
    const earlier = (await readdir(dirname(this.path)).catch(() => [] as string[]))
      .filter((name) => name.startsWith(`${basename(this.path)}.replaying-`))
      .map((name) => join(dirname(this.path), name))
      .filter((file) => file !== aside);
    for (const file of [...earlier.sort(), ...(moved ? [aside] : [])]) yield* this.lettersOf(file);
  }

  private async *lettersOf(file: string): AsyncGenerator<ReceivedLetter> {
    const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
    const back: string[] = [];
    let next = 0;
    let pending: { line: string; handled: boolean } | undefined;
    try {
      for (; next < lines.length; next++) {
        const line = lines[next] as string;
        let letter: DeadLetter;
        try {
          letter = decodeLetter(line);
        } catch (error) {
          console.error(`Line ${next + 1} of ${file} is not a dead letter; it is kept: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
          back.push(line);
          continue;
        }
        const current: { line: string; handled: boolean } = (pending = { line, handled: false });
        yield {
          letter,
          remove: async () => void (current.handled = true),
          keep: async (reason) => {
            current.handled = true;
            back.push(encodeLetter({ ...letter, reason }));
          },
        };
        if (!current.handled) back.push(line);
        pending = undefined;
      }
    } finally {
      if (pending && !pending.handled) back.push(pending.line);
      back.push(...lines.slice(next + 1));
      await this.append(back);
      await unlink(file);
    }
  }

  private async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.path, 'a');
    try {
      await file.appendFile(lines.map((line) => `${line}\n`).join(''));
      await file.datasync();
    } finally {
      await file.close();
    }
  }
}
