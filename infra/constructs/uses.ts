import { queueUrlVariable } from '../../shared/config.ts';
import type { Use } from '../topology.types.ts';

/** The application secrets a handler may declare with `secret:<name>`. */
export const APP_SECRET_NAMES = ['github-app', 'webhook', 'session', 'openai'] as const;

/** One of {@link APP_SECRET_NAMES}. */
export type AppSecretName = (typeof APP_SECRET_NAMES)[number];

/** A `uses` entry, decoded. */
export type UseSpec =
  | { readonly kind: 'db' }
  | { readonly kind: 'bucket'; readonly access: 'read' | 'write' }
  | { readonly kind: 'queues-inspect' }
  | { readonly kind: 'queue'; readonly queue: string }
  | { readonly kind: 'secret'; readonly secret: AppSecretName }
  | { readonly kind: 'workflow'; readonly machine: string; readonly access: 'start' | 'decide' };

/** Decodes one `uses` entry; throws on an unknown one (the type allows any `queue:*`). */
export function parseUse(use: Use): UseSpec {
  if (use === 'db') return { kind: 'db' };
  if (use === 'bucket:read') return { kind: 'bucket', access: 'read' };
  if (use === 'bucket:write') return { kind: 'bucket', access: 'write' };
  if (use === 'queues:inspect') return { kind: 'queues-inspect' };
  if (use.startsWith('queue:') && use.length > 'queue:'.length) {
    return { kind: 'queue', queue: use.slice('queue:'.length) };
  }
  const workflow = /^workflow:([a-z0-9-]+):(start|decide)$/.exec(use);
  if (workflow?.[1] && (workflow[2] === 'start' || workflow[2] === 'decide'))
    return { kind: 'workflow', machine: workflow[1], access: workflow[2] };
  const secret = use.startsWith('secret:') ? use.slice('secret:'.length) : undefined;
  const known = APP_SECRET_NAMES.find((name) => name === secret);
  if (known) return { kind: 'secret', secret: known };
  throw new Error(`Unknown use "${use}"`);
}

/** `agent-run` → `ASSAY_AGENT_RUN_STATE_MACHINE_ARN`: where a handler finds a state machine's ARN. */
export function stateMachineArnVariable(machine: string): string {
  return `ASSAY_${machine.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_STATE_MACHINE_ARN`;
}

/**
 * The name a state machine gets on AWS: `{stack}-{machine}`, fixed so that
 * functions can be granted it by ARN without a reference to the state machine
 * itself (whose role invokes those same functions: a reference would be a cycle).
 */
export function stateMachineName(stackName: string, machine: string): string {
  return `${stackName}-${machine}`.slice(0, 80);
}

/**
 * Decodes a handler's `uses` and checks that every queue it names exists.
 * @param owner names the handler in error messages.
 */
export function planUses(uses: readonly Use[], queueNames: readonly string[], owner: string): UseSpec[] {
  return uses.map((use) => {
    const spec = parseUse(use);
    if (spec.kind === 'queue' && !queueNames.includes(spec.queue)) {
      throw new Error(`${owner} uses "${use}" but the topology has no queue "${spec.queue}"`);
    }
    return spec;
  });
}

/** `github-app` → `ASSAY_SECRET_ARN_GITHUB_APP`: where a handler finds a secret's ARN. */
export function secretArnVariable(secret: AppSecretName): string {
  return `ASSAY_SECRET_ARN_${secret.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Re-exported so infra code names queue variables exactly as `shared/config.ts` reads them. */
export { queueUrlVariable };

/** Whether the handler must run inside the VPC (only the database is private). */
export function needsVpc(specs: readonly UseSpec[]): boolean {
  return specs.some((spec) => spec.kind === 'db');
}
