import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

interface Message {
  id: string;
  body: string;
  receipt: string | undefined;
}

/**
 * A local stand-in for SQS's JSON protocol (SendMessage, ReceiveMessage, DeleteMessage,
 * ChangeMessageVisibility) with one queue, `<base>/000000000000/<name>`. A received message
 * stays hidden until deleted or made visible again (visibility 0), unless `redeliver` is set
 * (then every receive hands out every message, as a queue whose visibility timeout passed would).
 */
export class MockSqs extends MockUpstream {
  readonly messages: Message[] = [];
  redeliver = false;
  queueUrl = '';
  private nextId = 0;

  constructor(private readonly queueName = 'usage-dead-letters') {
    super();
  }

  override async start(): Promise<string> {
    const base = await super.start();
    this.queueUrl = `${base}/000000000000/${this.queueName}`;
    return base;
  }

  protected answer(request: RecordedRequest, req: IncomingMessage, res: ServerResponse): void {
    const reply = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    const action = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
    if (req.headers['content-type'] !== 'application/x-amz-json-1.0' || !String(req.headers.authorization).startsWith('AWS4-HMAC-SHA256 ')) {
      return reply(400, { __type: 'com.amazonaws.sqs#InvalidSecurity', message: 'unsigned' });
    }
    if (request.body.QueueUrl !== this.queueUrl) return reply(400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
    if (action === 'SendMessage') {
      const message = { id: `m${this.nextId++}`, body: String(request.body.MessageBody), receipt: undefined };
      this.messages.push(message);
      return reply(200, { MessageId: message.id, MD5OfMessageBody: md5(message.body) });
    }
    if (action === 'ReceiveMessage') {
      const visible = this.messages.filter((message) => this.redeliver || message.receipt === undefined).slice(0, Number(request.body.MaxNumberOfMessages ?? 1));
      for (const message of visible) message.receipt = `r-${message.id}-${this.nextId++}`;
      return reply(200, { Messages: visible.map((message) => ({ MessageId: message.id, ReceiptHandle: message.receipt, Body: message.body, MD5OfBody: md5(message.body) })) });
    }
    if (action === 'ChangeMessageVisibility') {
      const message = this.messages.find((candidate) => candidate.receipt === request.body.ReceiptHandle);
      if (message && Number(request.body.VisibilityTimeout) === 0) message.receipt = undefined;
      return reply(200, {});
    }
    if (action === 'DeleteMessage') {
      const index = this.messages.findIndex((message) => message.receipt === request.body.ReceiptHandle);
      if (index >= 0) this.messages.splice(index, 1);
      return reply(200, {});
    }
    return reply(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: action });
  }
}

/** SQS answers with the MD5 of each body, and its SDK checks it. */
function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
