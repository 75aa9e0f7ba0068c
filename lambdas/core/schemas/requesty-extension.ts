import { z } from 'zod';

/**
 * Requesty's request extension (what SDKs send through `extra_body.requesty`), accepted as-is so
 * Requesty clients work unchanged. Unknown fields are kept for forward compatibility.
 */
export const requestyExtensionSchema = z
  .object({
    auto_cache: z.boolean().optional(),
    tags: z.array(z.string()).optional(),
    user_id: z.string().optional(),
    trace_id: z.string().optional(),
    extra: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export type RequestyExtension = z.infer<typeof requestyExtensionSchema>;
