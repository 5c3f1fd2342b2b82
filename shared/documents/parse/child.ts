/**
 * The parser process (issue 27): started by `isolated.ts` with
 * `ASSAY_DOCUMENT_PARSER_CHILD=1`, it receives `{ kind, limits }` over IPC
 * and the document's bytes on stdin, parses and chunks them, sends back
 * `{ ok: true, result }` or `{ ok: false, reason, message }`, and exits. It
 * holds no credentials and no connections: its environment is the parent's
 * minus everything but the flag, `PATH`, `TZ` and the locale.
 *
 * From source this file is the process's entry; in a Lambda bundle the
 * bundle itself is started again with the flag, and this module's top level
 * starts the parser.
 *
 * @module
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import { DOCUMENT_KINDS, DocumentFailure } from '../document-types.ts';
import { extractDocument } from './extract.ts';
import { isStackOverflow, tooDeep } from './limits.ts';

/** Set in the parser process's environment. */
export const PARSER_CHILD_FLAG = 'ASSAY_DOCUMENT_PARSER_CHILD';

const requestSchema = z.object({
  kind: z.enum(DOCUMENT_KINDS),
  limits: z.object({
    maxBytes: z.number().int().positive(),
    maxCsvRows: z.number().int().positive(),
    maxDocxUncompressedBytes: z.number().int().positive().optional(),
    maxPages: z.number().int().positive().optional(),
    maxTextChars: z.number().int().positive().optional(),
    maxDepth: z.number().int().positive().optional(),
  }),
});

/** `source` readable any number of times: later readers replay what earlier ones read, then continue. */
export function replayable(source: Readable): () => Promise<Readable> {
  const seen: Buffer[] = [];
  let done = false;
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<unknown>> | undefined;
  const chunkAt = async (index: number): Promise<Buffer | undefined> => {
    while (index >= seen.length && !done) {
      pending ??= iterator.next();
      const next = await pending;
      pending = undefined;
      if (next.done) done = true;
      else seen.push(Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array));
    }
    return seen[index];
  };
  return async () =>
    Readable.from(
      (async function* () {
        for (let i = 0; ; i++) {
          const chunk = await chunkAt(i);
          if (!chunk) return;
          yield chunk;
        }
      })(),
    );
}

async function run(message: unknown): Promise<unknown> {
  const request = requestSchema.parse(message);
  try {
    const result = await extractDocument(request.kind, replayable(process.stdin), request.limits);
    return { ok: true, result };
  } catch (error) {
    if (error instanceof DocumentFailure) return { ok: false, reason: error.reason, message: error.message };
    if (isStackOverflow(error)) {
      const failure = tooDeep(request.limits.maxDepth ?? 400);
      return { ok: false, reason: failure.reason, message: failure.message };
    }
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      reason: 'corrupt',
      message: `The document could not be read: ${detail.slice(0, 300)}`,
    };
  }
}

if (process.env[PARSER_CHILD_FLAG] === '1' && process.send) {
  // A parser started ahead of need ends with its parent.
  process.once('disconnect', () => process.exit(0));
  process.once('message', (message) => {
    void run(message).then((reply) => {
      process.send?.(reply, undefined, undefined, () => process.exit(0));
    });
  });
}
