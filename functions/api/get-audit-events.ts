import { listAuditEvents } from '../../shared/audit/audit.ts';
import { getDb } from '../../shared/db/connection.ts';
import { withTenant } from '../../shared/db/tenant.ts';
import { ValidationError } from '../../shared/errors.ts';
import { getAuditEvents } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getAuditEvents, async ({ query }, { access }) => {
  if (query.cursor !== undefined && !/^\d{1,19}$/.test(query.cursor)) {
    throw new ValidationError('cursor is not one this API returned', [
      { path: 'query.cursor', message: 'invalid' },
    ]);
  }
  const page = await withTenant(await getDb(), access!.orgId, (trx) =>
    listAuditEvents(trx, {
      action: query.action,
      actor: query.actor,
      targetType: query.targetType,
      targetId: query.targetId,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      before: query.cursor,
      limit: query.limit,
    }),
  );
  return {
    events: page.events.map((e) => ({
      id: e.id,
      at: e.created_at.toISOString(),
      actor: { type: e.actor_type, id: e.actor_id, login: e.actor_login },
      action: e.action,
      target: { type: e.target_type, id: e.target_id },
      ip: e.ip,
      userAgent: e.user_agent,
      details: e.details,
      hash: e.hash,
    })),
    nextCursor: page.nextCursor,
  };
});
