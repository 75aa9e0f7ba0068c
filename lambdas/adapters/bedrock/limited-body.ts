import { pipeline, Readable, Transform } from 'node:stream';
import { BedrockResponseError, type BedrockCallLimits } from '../../ports/bedrock-runtime.js';
import { HttpTransportError } from '../../ports/http-client.js';

export interface BodyBounds {
  /** Largest whole body (a JSON answer or error). */
  maxBytes: number;
  /** Largest event-stream frame, for `application/vnd.amazon.eventstream` bodies. */
  maxFrameBytes: number;
}

/**
 * A Bedrock response body as the SDK will read it, held to the call's limits: idle silence and
 * the deadline fail it as a timeout, and a body (or, in an event stream, one frame) past its
 * bound fails before it is buffered, because the SDK would hold any size it is sent. Failing
 * or destroying the returned stream destroys the socket's stream under it.
 */
export function limitedBody(source: Readable, eventStream: boolean, limits: BedrockCallLimits, bounds: BodyBounds): Readable {
  const tooLarge = eventStream ? frameMeter(bounds.maxFrameBytes) : byteMeter(bounds.maxBytes);
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      idle.refresh();
      done(tooLarge(chunk), chunk);
    },
  });
  const expire = () => limited.destroy(new HttpTransportError('timeout', 'Bedrock did not finish its answer in time.'));
  const idle = setTimeout(expire, limits.idleTimeoutMs).unref();
  const deadline = setTimeout(expire, Math.max(0, limits.deadlineAt - Date.now())).unref();
  limited.once('close', () => {
    clearTimeout(idle);
    clearTimeout(deadline);
  });
  // pipeline destroys the source when `limited` fails or is destroyed; the error itself reaches
  // the SDK through `limited`.
  pipeline(source, limited, () => undefined);
  return limited;
}

function byteMeter(maxBytes: number): (chunk: Uint8Array) => BedrockResponseError | null {
  let bytes = 0;
  return (chunk) => {
    bytes += chunk.byteLength;
    return bytes > maxBytes ? new BedrockResponseError('response_too_large', `Bedrock sent a body over ${maxBytes} bytes.`) : null;
  };
}

/**
 * Follows AWS event-stream framing (each message starts with its total length, a 4-byte
 * big-endian integer: https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html)
 * and refuses a frame announcing more than `maxFrameBytes` as soon as its length is read.
 */
function frameMeter(maxFrameBytes: number): (chunk: Uint8Array) => BedrockResponseError | null {
  /** Bytes of the current frame still to come after its length; 0 while reading a length. */
  let remaining = 0;
  let length = 0;
  let lengthBytes = 0;
  return (chunk) => {
    let at = 0;
    while (at < chunk.byteLength) {
      if (remaining > 0) {
        const skipped = Math.min(remaining, chunk.byteLength - at);
        remaining -= skipped;
        at += skipped;
        continue;
      }
      length = length * 256 + (chunk[at] ?? 0);
      lengthBytes++;
      at++;
      if (lengthBytes < 4) continue;
      if (length > maxFrameBytes) {
        return new BedrockResponseError('event_too_large', `Bedrock announced an event of ${length} bytes, over ${maxFrameBytes}.`);
      }
      remaining = Math.max(0, length - 4);
      length = 0;
      lengthBytes = 0;
    }
    return null;
  };
}
