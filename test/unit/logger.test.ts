import { afterEach, describe, expect, it, vi } from 'vitest';
import { getLogger, renamedLogKey, withoutReservedKeys } from '../../shared/logger.ts';

describe('logger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('renames attributes Powertools reserves instead of dropping them', () => {
    expect(renamedLogKey('message')).toBe('detailMessage');
    expect(renamedLogKey('sampling_rate')).toBe('detailSamplingRate');
    expect(withoutReservedKeys({ message: 'x', ok: 1 })).toEqual({ detailMessage: 'x', ok: 1 });
  });

  it("keeps a failed document's message in the log line", () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = getLogger();
    const level = logger.getLevelName();
    logger.setLogLevel('INFO');
    logger.info('Document handled', {
      status: 'failed',
      reason: 'corrupt',
      message: 'The PDF has no readable pages',
    });
    logger.setLogLevel(level);
    const entries = lines.flatMap((line) => line.split('\n').filter(Boolean)).map((line) => JSON.parse(line));
    const entry = entries.find((e) => e.message === 'Document handled');
    expect(entry).toMatchObject({ reason: 'corrupt', detailMessage: 'The PDF has no readable pages' });
    expect(entries.some((e) => String(e.message).includes('reserved key'))).toBe(false);
  });
});
