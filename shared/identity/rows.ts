import type { Principal } from '../auth/principal.ts';
import { type Role, roles } from '../auth/roles.ts';

/** A timestamp as the API shows it. */
export function iso(value: Date): string {
  return value.toISOString();
}

/** A nullable timestamp as the API shows it. */
export function isoOrNull(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

/** The roles stronger than `role` (none for owner). */
export function rolesAbove(role: Role): Role[] {
  return roles.slice(0, roles.indexOf(role));
}

/** The user behind a principal, when there is one (a token may belong to no user). */
export function userIdOf(principal: Principal | undefined): string | null {
  return principal?.userId ?? null;
}
