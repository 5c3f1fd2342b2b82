import { rollupAll } from '../../shared/analytics/rollup.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getLogger } from '../../shared/logger.ts';

/**
 * EventBridge schedule (every `ASSAY_ANALYTICS_ROLLUP_EVERY_MINUTES`): the daily
 * metrics rollup of every repository, today recomputed and missed days filled.
 */
export const handler = async (): Promise<{ repositories: number; days: number }> => {
  const result = await rollupAll(await getDb());
  getLogger().info('Rolled up test analytics', result);
  return result;
};
