import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The extraction corpus on disk: for each case `NAME.md` (the issue body,
 * verbatim) and `NAME.json` (`{ title, expected, notes? }`).
 */

/** The JSON half of a corpus case. */
export const CorpusMetaSchema = z.object({
  title: z.string(),
  /** Expected item texts, in document order. */
  expected: z.array(z.string().min(1)),
  /** What the case exercises. */
  notes: z.string().optional(),
});

/** One issue of the corpus with its expected criteria. */
export const CorpusCaseSchema = CorpusMetaSchema.extend({
  name: z.string().min(1),
  body: z.string(),
});

/** One issue of the corpus with its expected criteria. */
export type CorpusCase = z.infer<typeof CorpusCaseSchema>;

/**
 * Loads every `*.json` + `*.md` pair of `dir`, sorted by name. Throws naming
 * the file when a JSON file does not match {@link CorpusMetaSchema} or its
 * `.md` is missing.
 */
export function loadCorpus(dir: string): CorpusCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.json'.length);
      const parsed = CorpusMetaSchema.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
      const body = readFileSync(join(dir, `${name}.md`), 'utf8');
      return { name, body, ...parsed.data };
    });
}
