import { type Kysely, sql } from 'kysely';
import type { Actor } from '../../shared/audit/audit.ts';
import { atLeast, type Role, roleSchema } from '../../shared/auth/roles.ts';
import type { Database } from '../../shared/db/database.ts';
import { withSystem, withTenant } from '../../shared/db/tenant.ts';
import { mintApiToken } from '../../shared/identity/api-tokens.service.ts';
import { parseArgs } from './args.ts';
import { type CliDatabase, runOnDatabase } from './database.ts';
import { tokenUsage } from './usage.ts';

export { tokenUsage };

export interface MintedToken {
  id: string;
  token: string;
  org: string;
  role: Role;
  expiresAt: string;
}

/** Who the audit log names for tokens minted by an operator. */
export const cliActor: Actor = {
  type: 'system',
  id: null,
  login: 'assay-cli',
  ip: null,
  userAgent: 'assay-cli',
};

type CreateOptions = ReturnType<typeof parseCreate>;

function parseCreate(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: {
      org: { type: 'string' },
      role: { type: 'string' },
      user: { type: 'string' },
      name: { type: 'string' },
      days: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new Error(`Unexpected argument ${positionals[0]}\n${tokenUsage}`);
  if (!values.org) throw new Error(`--org <login> is required\n${tokenUsage}`);
  const role = roleSchema.safeParse(values.role);
  if (!role.success) throw new Error(`--role must be one of owner, admin, member, viewer\n${tokenUsage}`);
  const days = values.days === undefined ? 90 : Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw new Error('--days must be a whole number from 1 to 366');
  const name = values.name ?? `cli-${role.data}`;
  if (name.length < 1 || name.length > 100) throw new Error('--name must be 1 to 100 characters');
  return { org: values.org, role: role.data, user: values.user, name, days };
}

/**
 * `assay token create`: mints an API token for an organisation straight in the
 * database, for bootstrap and automation (no signed-in user needed). With
 * `--user`, the token acts for that member and its role may not exceed theirs.
 * Audited with a `system` actor, in the same transaction as the insert.
 */
export function tokenCommand(args: string[]): (database: CliDatabase) => Promise<MintedToken> {
  const [action, ...rest] = args;
  if (action !== 'create')
    throw new Error(`Unknown token action ${action ?? '(none)'}: use create\n${tokenUsage}`);
  const options = parseCreate(rest);
  return ({ db }) => createToken(db, options);
}

async function createToken(db: Kysely<Database>, options: CreateOptions): Promise<MintedToken> {
  const org = await withSystem(db, (trx) =>
    trx
      .selectFrom('orgs')
      .select(['id', 'login'])
      .where(sql`lower(login)`, '=', options.org.toLowerCase())
      .where('deleted_at', 'is', null)
      .where('renamed_at', 'is', null)
      .executeTakeFirst(),
  );
  if (!org) {
    throw new Error(
      `No organisation ${options.org} in Assay. Organisations come into being when the GitHub App is installed ` +
        `on them (its installation webhook); locally, without a GitHub App, install it on the GitHub double: ` +
        `npx assay dev install --org ${options.org} --repo <name>`,
    );
  }
  return withTenant(db, org.id, async (trx) => {
    let userId: string | null = null;
    if (options.user) {
      const member = await trx
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['users.id', 'memberships.role'])
        .where('memberships.org_id', '=', org.id)
        .where(sql`lower(users.login)`, '=', options.user.toLowerCase())
        .executeTakeFirst();
      if (!member) throw new Error(`${options.user} is not a member of ${org.login}`);
      if (!atLeast(member.role, options.role))
        throw new Error(
          `${options.user} is ${member.role} in ${org.login}: a token for them cannot be ${options.role}`,
        );
      userId = member.id;
    }
    const minted = await mintApiToken(trx, org.id, cliActor, {
      name: options.name,
      role: options.role,
      expiresInDays: options.days,
      userId,
      createdBy: null,
    });
    return {
      id: minted.id,
      token: minted.token,
      org: org.login,
      role: minted.role,
      expiresAt: minted.expiresAt,
    };
  });
}

/** `assay token …`. */
export function run(args: string[]): Promise<number> {
  return runOnDatabase(() => tokenCommand(args));
}
