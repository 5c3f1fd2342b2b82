import { Logger } from '@aws-lambda-powertools/logger';
import { getConfig } from './config.ts';

let logger: Logger | undefined;

/**
 * The structured JSON logger (Powertools). Secrets and tokens are never passed
 * to it; correlation ids are appended per request or message.
 */
export function getLogger(): Logger {
  logger ??= new Logger({ serviceName: 'assay', logLevel: getConfig().ASSAY_LOG_LEVEL });
  return logger;
}
