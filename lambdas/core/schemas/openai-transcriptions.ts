import { z } from 'zod';
import { modelIdSchema } from './model-id-field.js';

// https://platform.openai.com/docs/api-reference/audio/createTranscription: multipart/form-data
// fields, every one a string on the wire. Fields this schema does not name are passed on as sent.

export const transcriptionFormats = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;

export const transcriptionFieldsSchema = z
  .object({
    model: modelIdSchema,
    language: z.string().max(16).optional(),
    prompt: z.string().max(10_000).optional(),
    response_format: z.enum(transcriptionFormats).optional(),
    temperature: z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number from 0 to 1').optional(),
    // Streamed transcripts are events of their own; the gateway answers whole transcripts.
    stream: z.literal('false', 'streamed transcriptions are not supported: leave stream unset').optional(),
  })
  .catchall(z.union([z.string(), z.array(z.string())]));

export type TranscriptionFields = z.infer<typeof transcriptionFieldsSchema>;

/** The audio file of a transcription request. */
export interface AudioFile {
  bytes: Uint8Array;
  filename: string;
  contentType: string;
}

export interface TranscriptionRequest {
  fields: TranscriptionFields;
  file: AudioFile;
}

/** A transcript as the provider answered it, in the format asked for. */
export interface TranscriptionAnswer {
  contentType: string;
  body: string;
}
