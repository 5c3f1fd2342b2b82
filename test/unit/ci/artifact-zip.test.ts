import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  ArtifactRejected,
  artifactLimits,
  entryKind,
  extractArtifact,
} from '../../../shared/ci/artifact-zip.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const ctrf = JSON.stringify({ results: { tool: { name: 'jest' }, tests: [] } });
const sarif = JSON.stringify({ version: '2.1.0', runs: [] });

describe('extractArtifact', () => {
  it('tells JUnit, CTRF, SARIF and other files apart and skips folders', () => {
    const archive = zipSync({
      'reports/': new Uint8Array(0),
      'reports/junit.xml': bytes('<testsuites/>'),
      'reports/ctrf.json': bytes(ctrf),
      'lint.sarif': bytes(sarif),
      'trace.zip': bytes('PK…'),
      'notes.xml': bytes('not xml'),
    });
    const entries = extractArtifact(archive, artifactLimits(1024 * 1024));
    expect(entries.map((e) => [e.name, e.kind])).toEqual([
      ['reports/junit.xml', 'junit'],
      ['reports/ctrf.json', 'ctrf'],
      ['lint.sarif', 'code-health'],
      ['trace.zip', 'other'],
      ['notes.xml', 'other'],
    ]);
    expect(new TextDecoder().decode(entries[0]!.bytes)).toBe('<testsuites/>');
  });

  it('refuses too many entries, an oversized entry, too much in all, and a zip bomb ratio', () => {
    const limits = { maxEntries: 2, maxEntryBytes: 1000, maxTotalBytes: 1500, maxRatio: 200 };
    const reject = (files: Record<string, Uint8Array>, l = limits) => {
      try {
        extractArtifact(zipSync(files, { level: 9 }), l);
      } catch (error) {
        expect(error).toBeInstanceOf(ArtifactRejected);
        return (error as ArtifactRejected).message;
      }
      throw new Error('accepted');
    };
    expect(reject({ a: bytes('1'), b: bytes('2'), c: bytes('3') })).toContain('more than 2 entries');
    expect(reject({ a: new Uint8Array(1001) })).toContain('limit per file');
    expect(reject({ a: new Uint8Array(900), b: new Uint8Array(900) })).toContain('in all');
    const bomb = { ...limits, maxEntryBytes: 50e6, maxTotalBytes: 50e6 };
    expect(reject({ a: new Uint8Array(20e6) }, bomb)).toContain('times its size');
  });

  it('says a file that is not a ZIP, or a damaged one, is invalid', () => {
    expect(() => extractArtifact(bytes('hello world, not a zip at all'), artifactLimits(1000))).toThrow(
      'not a ZIP',
    );
    const archive = zipSync({ 'a.xml': crypto.getRandomValues(new Uint8Array(5000)) }, { level: 0 });
    // The local header says "stored"; mark it deflated: its bytes are no deflate stream.
    const damaged = archive.slice();
    damaged[8] = 8;
    expect(() => extractArtifact(damaged, artifactLimits(1e6))).toThrow(ArtifactRejected);
  });

  it('reads a JSON entry that is neither CTRF nor JSON as code health or other', () => {
    expect(entryKind('x.json', bytes('{"findings": []}'))).toBe('code-health');
    expect(entryKind('x.json', bytes('[1,2]'))).toBe('other');
    expect(entryKind('x.json', bytes('{broken'))).toBe('other');
  });
});
