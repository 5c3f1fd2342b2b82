import { getDb } from '../../shared/db/connection.ts';
import { getCommitValidation as readCommitValidation } from '../../shared/validation/validation-view.service.ts';
import { getCommitValidation } from '../contracts/code-health.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getCommitValidation, async ({ params }, { access }) =>
  readCommitValidation(await getDb(), access!.orgId, params),
);
