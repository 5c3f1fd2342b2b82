import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Topology } from '../topology.types.ts';

/**
 * An Amazon States Language definition as data. Task states name their step
 * handler with a `${taskName}` placeholder (the key in the topology entry's
 * `tasks`), e.g. `"Resource": "${analyst}"` or, for the callback pattern,
 * `"Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
 * "Parameters": { "FunctionName": "${approval}", … }`. On AWS the placeholder
 * becomes the function ARN (definition substitutions); the local runner binds
 * handlers by state name and ignores it.
 */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, unknown>>;
  readonly Comment?: string;
  readonly [key: string]: unknown;
}

/**
 * The placeholder for a task's function in an ASL definition: `taskRef('analyst')`
 * is `${analyst}` (written this way, no lint rule mistakes it for a template).
 */
export function taskRef(task: string): string {
  return ['$', '{', task, '}'].join('');
}

/** State machine name → its loaded definition. */
export type WorkflowDefinitions = Readonly<Record<string, AslDefinition>>;

function isAslDefinition(value: unknown): value is AslDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const { StartAt, States } = value as { StartAt?: unknown; States?: unknown };
  return typeof StartAt === 'string' && typeof States === 'object' && States !== null;
}

/** `${name}` placeholders in a definition (JSONPath `$.x` is not one). */
export function placeholdersOf(definition: AslDefinition): Set<string> {
  const found = new Set<string>();
  for (const match of JSON.stringify(definition).matchAll(/\$\{([A-Za-z0-9_-]+)\}/g)) {
    if (match[1]) found.add(match[1]);
  }
  return found;
}

/**
 * Throws unless the definition's placeholders and the entry's tasks are the same
 * set: a task nobody calls or a placeholder with no handler is a wiring mistake.
 */
export function checkTaskPlaceholders(
  name: string,
  definition: AslDefinition,
  tasks: readonly string[],
): void {
  const used = placeholdersOf(definition);
  const missing = [...used].filter((p) => !tasks.includes(p));
  const unused = tasks.filter((t) => !used.has(t));
  if (missing.length > 0 || unused.length > 0) {
    throw new Error(
      `State machine "${name}": placeholders without a task [${missing.join(', ')}], ` +
        `tasks never referenced [${unused.join(', ')}]`,
    );
  }
}

/**
 * Imports every state machine's definition module (a path from the repository
 * root, exporting the ASL as `definition` or as its default export).
 */
export async function loadWorkflowDefinitions(
  topology: Pick<Topology, 'stateMachines'>,
  projectRoot: string,
): Promise<WorkflowDefinitions> {
  const loaded: Record<string, AslDefinition> = {};
  for (const [name, entry] of Object.entries(topology.stateMachines)) {
    const path = isAbsolute(entry.definition) ? entry.definition : join(projectRoot, entry.definition);
    const module = (await import(pathToFileURL(path).href)) as { definition?: unknown; default?: unknown };
    const definition = module.definition ?? module.default;
    if (!isAslDefinition(definition)) {
      throw new Error(`${entry.definition} must export an ASL definition (StartAt, States) as "definition"`);
    }
    loaded[name] = definition;
  }
  return loaded;
}

/**
 * The definition with every `${task}` placeholder replaced by `substitute(task)`
 * (what CloudFormation's definition substitutions do on AWS; the local runner
 * uses placeholder Lambda ARNs, since it binds handlers by state name).
 */
export function substitutePlaceholders(
  definition: AslDefinition,
  substitute: (task: string) => string,
): AslDefinition {
  let text = JSON.stringify(definition);
  for (const task of placeholdersOf(definition)) text = text.replaceAll(taskRef(task), substitute(task));
  return JSON.parse(text) as AslDefinition;
}

/** A well-formed Lambda ARN for a task on the local runtime (never called: handlers are bound by state name). */
export const localTaskArn = (task: string) =>
  `arn:aws:lambda:us-east-1:000000000000:function:assay-local-${task}`;
