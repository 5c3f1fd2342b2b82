import type { Principal } from '../auth/principal.ts';
import { ForbiddenError } from '../errors.ts';

/**
 * The user whose notifications and follows a principal acts on: the signed-in
 * user, or the user an API token belongs to. A token that belongs to no user
 * (minted for automation) has no inbox: 403 `user_required`.
 */
export function recipientOf(principal: Principal | undefined): string {
  if (principal?.userId) return principal.userId;
  throw new ForbiddenError(
    'Notifications and follows belong to a user; this API token belongs to none',
    'user_required',
  );
}
