import type { LambdaFunctionURLEvent } from 'aws-lambda';
import type { GatewayRequest } from '../gateway/gateway-http.js';

/** Function URL events already carry lower-cased header names and a raw, undecoded path. */
export function toGatewayRequest(event: LambdaFunctionURLEvent, requestId: string, clientSignal?: AbortSignal): GatewayRequest {
  const body = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : undefined;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    headers: event.headers,
    query: event.queryStringParameters ?? {},
    body: bytes ? bytes.toString('utf8') : body,
    ...(bytes ? { bodyBytes: bytes } : {}),
    requestId,
    ...(clientSignal ? { clientSignal } : {}),
  };
}
