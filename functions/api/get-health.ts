import { getHealth } from '../contracts/health.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getHealth, async () => ({ status: 'ok' as const }));
