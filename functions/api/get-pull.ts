import { getDb } from '../../shared/db/connection.ts';
import { getPullWithManifest } from '../../shared/manifests/pulls.service.ts';
import { getPull } from '../contracts/issues.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getPull, async ({ params }, { access }) =>
  getPullWithManifest(await getDb(), access!.orgId, params),
);
