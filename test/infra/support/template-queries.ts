import { type CfnResource, referencedId, resourcesOfType, type TemplateJson } from './synth.ts';

/** An IAM statement as synthesized. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The function whose description names this handler module. */
export function functionFor(json: TemplateJson, handler: string): [string, CfnResource] {
  const found = resourcesOfType(json, 'AWS::Lambda::Function').filter(([, fn]) =>
    String(fn.Properties?.Description ?? '').endsWith(`(${handler})`),
  );
  if (found.length !== 1) throw new Error(`${found.length} functions for ${handler}`);
  return found[0]!;
}

/** Environment variables of a function. */
export function environmentOf(fn: CfnResource): Record<string, unknown> {
  return (fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
}

/** Statements of every policy attached to a role, inline or separate. */
export function statementsOfRole(json: TemplateJson, roleId: string): Statement[] {
  const role = json.Resources[roleId];
  const inline = (
    (role?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]
  ).flatMap((p) => p.PolicyDocument.Statement);
  const attached = resourcesOfType(json, 'AWS::IAM::Policy')
    .filter(([, p]) => ((p.Properties?.Roles ?? []) as unknown[]).some((r) => referencedId(r) === roleId))
    .flatMap(([, p]) => p.Properties?.PolicyDocument.Statement as Statement[]);
  return [...inline, ...attached];
}

/** Statements granted to a function's execution role. */
export function statementsOfFunction(json: TemplateJson, fn: CfnResource): Statement[] {
  const roleId = referencedId(fn.Properties?.Role);
  if (!roleId) throw new Error('function without role');
  return statementsOfRole(json, roleId);
}

/** Every IAM statement in the template, with the id of the resource holding it. */
export function allStatements(json: TemplateJson): { owner: string; statement: Statement }[] {
  const out: { owner: string; statement: Statement }[] = [];
  for (const [id, resource] of Object.entries(json.Resources)) {
    const docs: { Statement: Statement[] }[] = [];
    if (resource.Type === 'AWS::IAM::Policy') docs.push(resource.Properties?.PolicyDocument);
    if (resource.Type === 'AWS::IAM::Role') {
      for (const p of resource.Properties?.Policies ?? []) docs.push(p.PolicyDocument);
    }
    for (const doc of docs) for (const statement of doc.Statement) out.push({ owner: id, statement });
  }
  return out;
}

/** Actions of a statement as a list. */
export const actionsOf = (s: Statement): string[] => [s.Action].flat();

/** Whether a statement allows `action` on a resource referencing `logicalId`. */
export function allows(statements: Statement[], action: string, logicalId: string): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      actionsOf(s).includes(action) &&
      JSON.stringify(s.Resource).includes(`"${logicalId}"`),
  );
}
