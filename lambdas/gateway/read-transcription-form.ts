import { GatewayError } from '../core/errors.js';
import { transcriptionFieldsSchema, type TranscriptionRequest } from '../core/schemas/openai-transcriptions.js';
import type { GatewayRequest } from './gateway-http.js';
import { parseValue } from './parse-body.js';

/**
 * A multipart/form-data transcription request → its audio file and checked fields. Parsed by the
 * platform's own `Request.formData()` (undici in Node) from the body already bounded by the
 * router's body limit; a field given twice (`timestamp_granularities[]`) keeps every value.
 */
export async function readTranscriptionForm(request: GatewayRequest): Promise<TranscriptionRequest> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw invalid('A transcription request is multipart/form-data, with the audio as its `file` field.', 'file');
  }
  let form: FormData;
  try {
    const bytes = request.bodyBytes ?? Buffer.from(request.body, 'utf8');
    form = await new Request('http://gateway.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: bytes }).formData();
  } catch {
    throw invalid('The request body is not valid multipart/form-data.', null);
  }
  let file: File | undefined;
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of form) {
    // A text part named `file` (no filename) would go upstream beside the audio as a second `file`.
    if (name === 'file' && typeof value === 'string') throw invalid('The `file` field is text, not a file: send the audio as a file part, with a filename.', 'file');
    if (typeof value !== 'string') {
      // The field's own name is not echoed: it is the client's, of any length.
      if (name !== 'file') throw invalid('Files are taken only as the `file` field.', 'file');
      if (file) throw invalid('Only one file is taken, as the `file` field.', 'file');
      file = value;
      continue;
    }
    const before = fields[name];
    fields[name] = before === undefined ? value : [before, value].flat();
  }
  if (!file || file.size === 0) throw invalid('The audio file is missing: send it as the `file` field.', 'file');
  return {
    fields: parseValue(fields, transcriptionFieldsSchema),
    file: { bytes: new Uint8Array(await file.arrayBuffer()), filename: file.name || 'audio', contentType: file.type || 'application/octet-stream' },
  };
}

function invalid(message: string, param: string | null): GatewayError {
  return new GatewayError(400, 'invalid_request', message, { param, type: 'invalid_request_error' });
}
