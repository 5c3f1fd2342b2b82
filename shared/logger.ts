import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { getConfig } from './config.ts';

/**
 * Keys Powertools keeps for itself: an attribute so named is dropped with a
 * warning ("The key "message" is a reserved key and will be dropped"), which
 * lost, for one, a failed document's `message`.
 */
export const RESERVED_LOG_KEYS: readonly string[] = [
  'level',
  'message',
  'sampling_rate',
  'service',
  'timestamp',
];

/** `message` → `detailMessage`: the name a reserved attribute key is logged under. */
export function renamedLogKey(key: string): string {
  return `detail${key.charAt(0).toUpperCase()}${key.slice(1).replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}`;
}

/** `attributes` with every reserved key renamed ({@link renamedLogKey}); the same object when none is. */
export function withoutReservedKeys<T extends LogAttributes>(attributes: T, keep: readonly string[] = []): T {
  if (!Object.keys(attributes).some((key) => RESERVED_LOG_KEYS.includes(key) && !keep.includes(key)))
    return attributes;
  const out: LogAttributes = {};
  for (const [key, value] of Object.entries(attributes))
    out[RESERVED_LOG_KEYS.includes(key) && !keep.includes(key) ? renamedLogKey(key) : key] = value;
  return out as T;
}

/** Powertools' Logger that renames reserved attribute keys instead of dropping them. */
class AssayLogger extends Logger {
  protected override createAndPopulateLogItem(
    logLevel: number,
    input: LogItemMessage,
    extraInput: LogItemExtraInput,
  ): ReturnType<Logger['createAndPopulateLogItem']> {
    const main = typeof input === 'string' ? input : withoutReservedKeys(input, ['message']);
    const extra = extraInput.map((item) =>
      item === null || item === undefined || typeof item === 'string' || item instanceof Error
        ? item
        : withoutReservedKeys(item),
    ) as LogItemExtraInput;
    return super.createAndPopulateLogItem(logLevel, main, extra);
  }
}

let logger: Logger | undefined;

/**
 * The structured JSON logger (Powertools). Secrets and tokens are never passed
 * to it; correlation ids are appended per request or message. An attribute
 * whose key Powertools reserves (`message`, `timestamp` …) is logged as
 * `detailMessage` … rather than dropped.
 */
export function getLogger(): Logger {
  logger ??= new AssayLogger({ serviceName: 'assay', logLevel: getConfig().ASSAY_LOG_LEVEL });
  return logger;
}
