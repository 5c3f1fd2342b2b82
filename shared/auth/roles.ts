import { z } from 'zod';

/** Roles in an organisation, strongest first. */
export const roles = ['owner', 'admin', 'member', 'viewer'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

const rank: Record<Role, number> = { owner: 4, admin: 3, member: 2, viewer: 1 };

/** True when `role` is at least `minimum`. */
export function atLeast(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}
