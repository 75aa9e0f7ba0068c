import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeLetter } from '../../../lambdas/adapters/dead-letters/dead-letter-codec.js';
import { replayDeadLetters } from '../../../lambdas/adapters/dead-letters/replay-dead-letters.js';
import { SqsUsageDeadLetters } from '../../../lambdas/adapters/dead-letters/sqs-usage-dead-letters.js';
import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsSdkCall } from '../../../lambdas/adapters/sqs/sqs-sdk-call.js';
import type { Settlement } from '../../../lambdas/ports/usage-store.js';
import { MockSqs } from '../../support/mock-sqs.js';

const sqs = new MockSqs();
let letters: SqsUsageDeadLetters;
const credentials = async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret', sessionToken: 'session' });
let call: ReturnType<typeof sqsSdkCall>;

beforeAll(async () => {
  await sqs.start();
  call = sqsSdkCall(new SQSClient({ region: 'eu-central-1', credentials, endpoint: new URL(sqs.queueUrl).origin, maxAttempts: 1 }));
  letters = new SqsUsageDeadLetters(call, sqs.queueUrl);
});
afterAll(() => sqs.stop());

const settlement = (requestId: string): Settlement => ({
  record: { requestId, keyId: 'k', at: 1_795_428_000_000, model: 'mock/echo', cost: 5, inputTokens: 1, outputTokens: 2, totalTokens: 3, userId: 'ann', extra: { team: 'x' } },
  counters: [{ owner: 'key#k', period: '2026-11' }, { owner: 'org', period: 'all' }],
  hold: { requestId, amount: 9, counters: [{ owner: 'key#k', period: '2026-11' }] },
});
const reason = { message: 'ThrottlingException: slow down', rejected: false };

describe('dead letters in SQS, over its JSON protocol', () => {
  it('sends each letter as one signed SendMessage', async () => {
    await letters.put(settlement('q-1'), reason);
    const [request] = sqs.requests.slice(-1);
    expect(request?.headers).toMatchObject({
      'x-amz-target': 'AmazonSQS.SendMessage',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-security-token': 'session',
      authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-central-1\/sqs\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/),
    });
    expect(decodeLetter(String(request?.body.MessageBody))).toEqual({ settlement: settlement('q-1'), reason, at: expect.any(Number) });
  });

  it("fails with SQS's error when the queue is not there", async () => {
    await expect(new SqsUsageDeadLetters(call, `${sqs.queueUrl}-gone`).put(settlement('q-x'), reason)).rejects.toThrow(/queue/i);
  });

  it('on replay, deletes the letters written and leaves the others in the queue', async () => {
    sqs.messages.splice(0);
    for (const id of ['q-2', 'q-3', 'q-4']) await letters.put(settlement(id), reason);
    const report = await replayDeadLetters(
      letters,
      async (s) => {
        if (s.record.requestId === 'q-3') throw new Error('still failing');
        return 'written';
      },
      (error) => ({ message: String(error), rejected: false }),
      () => undefined,
    );
    expect(report).toEqual({ written: 2, alreadyWritten: 0, kept: 1 });
    expect(sqs.messages.map((message) => decodeLetter(message.body).settlement.record.requestId)).toEqual(['q-3']);
  });

  it('ends a replay when the queue hands out only letters it has seen, and leaves messages that are not letters', async () => {
    sqs.messages.splice(0);
    sqs.redeliver = true;
    await letters.put(settlement('q-5'), reason);
    await call('SendMessage', sqs.queueUrl, { MessageBody: 'garbage' });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const replayed: string[] = [];
    const report = await replayDeadLetters(letters, async (s) => {
      replayed.push(s.record.requestId);
      throw new Error('no');
    }, (error) => ({ message: String(error), rejected: false }), () => undefined);
    vi.restoreAllMocks();
    sqs.redeliver = false;
    expect(replayed).toEqual(['q-5']);
    expect(report.kept).toBe(1);
    expect(sqs.messages).toHaveLength(2);
  });
});
