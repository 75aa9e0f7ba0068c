import type { IncomingMessage, ServerResponse } from 'node:http';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

/**
 * A local stand-in for Secrets Manager's GetSecretValue (its AWS JSON 1.1 protocol), pointed at
 * with AWS_ENDPOINT_URL_SECRETS_MANAGER. Secrets are set by ARN; an unknown ARN answers as
 * Secrets Manager does for a missing secret.
 */
export class MockSecretsManager extends MockUpstream {
  private readonly secrets = new Map<string, string>();

  set(secretArn: string, text: string): void {
    this.secrets.set(secretArn, text);
  }

  /** How many times the secret was read. */
  reads(secretArn: string): number {
    return this.requests.filter((request) => request.body.SecretId === secretArn).length;
  }

  protected answer(request: RecordedRequest, req: IncomingMessage, res: ServerResponse): void {
    const secretArn = String(request.body.SecretId);
    const text = this.secrets.get(secretArn);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      return reply(400, { __type: 'UnknownOperationException', message: String(req.headers['x-amz-target']) });
    }
    if (text === undefined) {
      return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    }
    reply(200, { ARN: secretArn, Name: secretArn.split(':secret:').pop(), SecretString: text, VersionId: 'v1' });
  }
}
