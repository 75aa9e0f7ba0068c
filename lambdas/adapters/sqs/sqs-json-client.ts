import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, Checksum, SourceData } from '@smithy/types';
import type { HttpClient } from '../../ports/http-client.js';

/** The SQS actions Switchboard uses, in SQS's JSON protocol. */
export type SqsAction = 'SendMessage' | 'ReceiveMessage' | 'DeleteMessage';

/** Calls one SQS action on a queue; resolves with SQS's JSON answer. */
export type SqsCall = (action: SqsAction, queueUrl: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

export class SqsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'SqsError';
  }
}

/**
 * SQS's JSON protocol (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/sqs-api-json.html):
 * a SigV4-signed POST to the queue's host with `X-Amz-Target: AmazonSQS.<Action>`. Three calls
 * do not warrant the SDK's SQS client; the credentials are the ones the DynamoDB client
 * resolves (the Lambda role's, or the operator's).
 */
export function sqsJsonClient(options: { region: string; credentials: AwsCredentialIdentityProvider; http: HttpClient; timeoutMs?: number }): SqsCall {
  const signer = new SignatureV4({ service: 'sqs', region: options.region, credentials: options.credentials, sha256: NodeSha256 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (action, queueUrl, input) => {
    const url = new URL(queueUrl);
    const body = JSON.stringify({ QueueUrl: queueUrl, ...input });
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: '/',
      query: {},
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
      body,
    });
    const response = await options.http({
      url: `${url.origin}/`,
      method: 'POST',
      headers: Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')),
      body,
      firstByteTimeoutMs: timeoutMs,
      idleTimeoutMs: timeoutMs,
    });
    const text = await response.text();
    const answer = parseAnswer(text);
    if (response.status >= 200 && response.status < 300) return answer;
    const type = String(answer.__type ?? 'UnknownError').split('#').pop() ?? 'UnknownError';
    throw new SqsError(response.status, type, `SQS ${action} failed with ${response.status} ${type}: ${String(answer.message ?? answer.Message ?? '').slice(0, 300)}`);
  };
}

function parseAnswer(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** SHA-256 (and HMAC-SHA-256 with a secret) from node:crypto, as SignatureV4 wants it. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
}

function bytes(data: SourceData): Buffer | string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
