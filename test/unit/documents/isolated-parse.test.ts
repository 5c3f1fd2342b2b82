import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DocumentFailure } from '../../../shared/documents/document-types.ts';
import { isolatedExtractor } from '../../../shared/documents/parse/isolated.ts';

// Issue 27: parsing runs in a process of its own, watched from outside (RSS and time).
const limits = { maxBytes: 50 * 1024 * 1024, maxCsvRows: 1_000 };
const from = (body: string) => async () => Readable.from([Buffer.from(body)]);

async function failureOf(promise: Promise<unknown>): Promise<DocumentFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentFailure);
  return error as DocumentFailure;
}

describe('isolated parser process', () => {
  it('parses and chunks in the child and returns chunks, title and warnings', async () => {
    const extract = isolatedExtractor({ memoryMb: 1024, timeoutMs: 120_000, prewarm: false });
    const md = await extract(
      'markdown',
      from('---\ntitle: Returns\n---\n# Policy\n\nThirty days.\n'),
      limits,
    );
    expect(md).toEqual({
      chunks: [{ ordinal: 0, headingPath: ['Policy'], text: 'Thirty days.', tokenCount: 3 }],
      title: 'Returns',
    });
    const csv = await extract('csv', from('item,size\npizza,a 12" pizza\n'), limits);
    expect(csv.chunks[0]?.text).toBe('item: pizza; size: a 12" pizza');
    expect(csv.warnings?.[0]).toMatch(/stray quote/);
  });

  it('ends a document that needs more memory than the ceiling as too_large, the caller unharmed', async () => {
    const extract = isolatedExtractor({ memoryMb: 320, timeoutMs: 120_000, prewarm: false });
    const failure = await failureOf(extract('html', from('<p>x</p>'.repeat(600_000)), limits));
    expect(failure.reason).toBe('too_large');
    expect(failure.message).toMatch(/memory .*ASSAY_DOCUMENT_PARSE_MEMORY_MB/);
  });

  it('ends a document past the time limit as too_large', async () => {
    const extract = isolatedExtractor({ memoryMb: 1024, timeoutMs: 200, prewarm: false });
    const failure = await failureOf(extract('text', from('Some text.'), limits));
    expect(failure.reason).toBe('too_large');
    expect(failure.message).toContain('took longer than 0.2 s (ASSAY_DOCUMENT_PARSE_TIMEOUT_SECONDS)');
  });

  it('passes a failure to read the source through as it is (the message is retried), not as the document’s', async () => {
    const extract = isolatedExtractor({ memoryMb: 1024, timeoutMs: 120_000, prewarm: false });
    const broken = async () =>
      new Readable({
        read() {
          this.destroy(new Error('connection reset by the object store'));
        },
      });
    await expect(extract('text', broken, limits)).rejects.toThrow('connection reset by the object store');
  });
});
