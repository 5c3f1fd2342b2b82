import { getDb } from '../../shared/db/connection.ts';
import { getPullValidation as readPullValidation } from '../../shared/validation/validation-view.service.ts';
import { getPullValidation } from '../contracts/code-health.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getPullValidation, async ({ params, query }, { access }) =>
  readPullValidation(await getDb(), access!.orgId, { ...params, ...query }),
);
