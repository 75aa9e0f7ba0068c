import type { TranscriptionRequest } from '../../schemas/openai-transcriptions.js';

/**
 * A transcription request as the multipart/form-data body OpenAI-compatible hosts take, with the
 * upstream's model name. Encoded by the platform's own FormData and Response (undici in Node),
 * which pick the boundary and escape the file name.
 */
export async function transcriptionForm(request: TranscriptionRequest, model: string): Promise<{ bytes: Uint8Array; contentType: string }> {
  const form = new FormData();
  const { file, fields } = request;
  form.append('file', new Blob([file.bytes], { type: file.contentType }), file.filename);
  for (const [name, value] of Object.entries({ ...fields, model })) {
    if (value === undefined) continue;
    for (const item of [value].flat()) form.append(name, item);
  }
  const encoded = new Response(form);
  return { bytes: new Uint8Array(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? 'multipart/form-data' };
}
