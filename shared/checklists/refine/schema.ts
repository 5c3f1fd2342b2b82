import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';

/**
 * Where an item of the model's answer came from. Indexes are the 1-based
 * numbers the extracted items carry in the prompt.
 */
export const RefinedOriginSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('extracted'), index: z.int().min(1) }),
  z.object({ kind: z.enum(['split', 'merged']), indexes: z.array(z.int().min(1)) }),
  z.object({ kind: z.literal('added') }),
]);

export type RefinedOrigin = z.infer<typeof RefinedOriginSchema>;

/** The structured answer the model must give. */
export const RefinementOutputSchema = z.object({
  items: z.array(
    z.object({
      /** One testable criterion, plain text. */
      text: z.string(),
      origin: RefinedOriginSchema,
    }),
  ),
});

export type RefinementOutput = z.infer<typeof RefinementOutputSchema>;

/** Name of the JSON schema in `response_format`. */
export const RESPONSE_FORMAT_NAME = 'acceptance_criteria';

/**
 * `response_format` of the call: a strict JSON schema generated from
 * {@link RefinementOutputSchema} (`openai/helpers/zod`, which uses zod 4's
 * `z.toJSONSchema` and then makes the schema strict: every property required,
 * no additional properties, discriminated unions as `anyOf`).
 */
export const refinementResponseFormat = zodResponseFormat(RefinementOutputSchema, RESPONSE_FORMAT_NAME);
