import { getDb } from '../../shared/db/connection.ts';
import { flagForMerge } from '../../shared/manifests/pull-actions.service.ts';
import { postPullFlagForMerge } from '../contracts/issues.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(postPullFlagForMerge, async ({ params, body }, { access, actor }) =>
  flagForMerge(await getDb(), access!, actor, params, body),
);
