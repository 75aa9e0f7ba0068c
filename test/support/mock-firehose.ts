import type { IncomingMessage, ServerResponse } from 'node:http';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

/**
 * A local stand-in for Firehose's JSON protocol (awsJson1_1), PutRecordBatch only, over the
 * streams it is given. `failRecord` makes single entries fail (its error code, or undefined
 * for success) and `failCall` whole calls, as Firehose does under load.
 */
export class MockFirehose extends MockUpstream {
  /** Each stream's delivered records, decoded. */
  readonly delivered = new Map<string, string[]>();
  failRecord: (data: string, attempt: number) => string | undefined = () => undefined;
  failCall: (call: number) => { status: number; type: string } | undefined = () => undefined;
  private calls = 0;
  private readonly attempts = new Map<string, number>();

  constructor(streams: readonly string[]) {
    super();
    for (const stream of streams) this.delivered.set(stream, []);
  }

  protected answer(request: RecordedRequest, req: IncomingMessage, res: ServerResponse): void {
    const reply = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    if (
      req.headers['x-amz-target'] !== 'Firehose_20150804.PutRecordBatch' ||
      req.headers['content-type'] !== 'application/x-amz-json-1.1' ||
      !String(req.headers.authorization).startsWith('AWS4-HMAC-SHA256 ')
    ) {
      return reply(400, { __type: 'InvalidSignatureException', message: 'not a signed PutRecordBatch' });
    }
    const failure = this.failCall(++this.calls);
    if (failure) return reply(failure.status, { __type: failure.type, message: 'failed as asked' });
    const stream = String(request.body.DeliveryStreamName);
    const delivered = this.delivered.get(stream);
    if (!delivered) return reply(400, { __type: 'ResourceNotFoundException', message: `Firehose ${stream} not found.` });
    const records = (request.body.Records as Array<{ Data: string }>).map(({ Data }) => Buffer.from(Data, 'base64').toString('utf8'));
    const responses = records.map((data) => {
      const attempt = (this.attempts.get(data) ?? 0) + 1;
      this.attempts.set(data, attempt);
      const code = this.failRecord(data, attempt);
      if (code) return { ErrorCode: code, ErrorMessage: 'failed as asked' };
      delivered.push(data);
      return { RecordId: `id-${delivered.length}` };
    });
    reply(200, { FailedPutCount: responses.filter((response) => 'ErrorCode' in response).length, Encrypted: true, RequestResponses: responses });
  }
}
