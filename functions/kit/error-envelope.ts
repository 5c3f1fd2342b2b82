import { z } from 'zod';

/** The one error shape every route answers with: `{ "error": { "code", "message", "details"? } }`. */
export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error', description: 'Error envelope' });

export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
