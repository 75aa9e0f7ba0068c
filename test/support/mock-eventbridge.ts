import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

export interface PutEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
}

/**
 * A local stand-in for EventBridge's PutEvents (its AWS JSON 1.1 protocol). `failNext` makes
 * the next calls fail the given number of entries each (EventBridge's partial failure), or the
 * whole call with a 500 when `whole` is set.
 */
export class MockEventBridge extends MockUpstream {
  readonly accepted: PutEntry[] = [];
  private failures: { entries: number; whole: boolean }[] = [];

  failNext(...failures: { entries: number; whole?: boolean }[]): void {
    this.failures.push(...failures.map((failure) => ({ entries: failure.entries, whole: failure.whole ?? false })));
  }

  protected answer(request: RecordedRequest, req: IncomingMessage, res: ServerResponse): void {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents' || !String(req.headers.authorization).startsWith('AWS4-HMAC-SHA256 ')) {
      return reply(400, { __type: 'UnknownOperationException', message: String(req.headers['x-amz-target']) });
    }
    const failure = this.failures.shift();
    if (failure?.whole) return reply(500, { __type: 'InternalException', message: 'try again' });
    const entries = request.body.Entries as PutEntry[];
    const results = entries.map((entry, index) => {
      if (failure && index < failure.entries) return { ErrorCode: 'InternalFailure', ErrorMessage: 'the entry failed' };
      this.accepted.push(entry);
      return { EventId: randomUUID() };
    });
    reply(200, { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results });
  }
}
