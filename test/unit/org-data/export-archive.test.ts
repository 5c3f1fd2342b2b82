import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createExportArchive } from '../../../shared/org-data/export-archive.ts';

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('createExportArchive', () => {
  it('writes entries one after another with their digests, and the manifest last', async () => {
    const archive = createExportArchive(new Date('2026-11-29T00:00:00Z'));
    const bytes = buffer(archive.output);
    const opened: string[] = [];
    const big = Buffer.alloc(3 * 1024 * 1024, 'a');
    const first = await archive.add('tables/a.jsonl', () => {
      opened.push('a');
      return Readable.from(['{"x":1}\n', '{"x":2}\n']);
    });
    const second = await archive.add('objects/orgs/acme/report.png', () => {
      opened.push('b');
      return Readable.from([big]);
    });
    const manifest = await archive.finish('manifest.json', Buffer.from('{"files":2}'));
    const zip = await bytes;
    expect(opened).toEqual(['a', 'b']);
    expect(archive.bytesWritten()).toBe(zip.length);
    const entries = unzipSync(new Uint8Array(zip));
    expect(Object.keys(entries)).toEqual(['tables/a.jsonl', 'objects/orgs/acme/report.png', 'manifest.json']);
    expect(first).toEqual({
      path: 'tables/a.jsonl',
      bytes: 16,
      sha256: sha(Buffer.from('{"x":1}\n{"x":2}\n')),
    });
    expect(second.sha256).toBe(sha(big));
    expect(second.bytes).toBe(big.length);
    expect(manifest.sha256).toBe(sha(entries['manifest.json']!));
  });

  it('fails the archive when an entry cannot be read, instead of hanging', async () => {
    const archive = createExportArchive(new Date());
    const bytes = buffer(archive.output);
    const failing = archive.add('objects/missing', () => {
      throw new Error('NoSuchKey');
    });
    await expect(failing).rejects.toThrow('NoSuchKey');
    await expect(bytes).rejects.toThrow('NoSuchKey');
  });

  it('fails when an entry stream breaks half-way', async () => {
    const archive = createExportArchive(new Date());
    const bytes = buffer(archive.output);
    const broken = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(archive.add('objects/x', () => broken)).rejects.toThrow('connection reset');
    await expect(bytes).rejects.toThrow('connection reset');
  });
});
