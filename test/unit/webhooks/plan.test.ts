import { describe, expect, it } from 'vitest';
import { planDelivery } from '../../../shared/webhooks/plan.ts';
import { webhookExamples } from '../../support/webhook-examples.ts';

const examples = webhookExamples();
const example = (event: string, action?: string) => {
  const found = examples.find(
    (e) => e.event === event && (action === undefined || e.payload.action === action),
  );
  if (!found) throw new Error(`no example for ${event} ${action}`);
  return structuredClone(found.payload);
};

const repository = {
  id: 5,
  name: 'app',
  full_name: 'acme/app',
  owner: { id: 9, login: 'acme', type: 'Organization' },
};
const comment = (body: string, onPull: boolean, userType = 'User') => ({
  action: 'created',
  installation: { id: 1 },
  repository,
  issue: { number: 3, title: 't', state: 'open', ...(onPull ? { pull_request: { url: 'x' } } : {}) },
  comment: { body, user: { login: 'mona', type: userType } },
});

describe('planDelivery', () => {
  it('queues checklist work for issues opened, edited and reopened, and only keeps state otherwise', () => {
    for (const action of ['opened', 'edited', 'reopened']) {
      const payload = { ...example('issues', 'opened'), action, installation: { id: 1 } };
      const plan = planDelivery('issues', payload);
      expect(plan).toMatchObject({ kind: 'issue', enqueue: { reason: action } });
    }
    const closed = planDelivery('issues', {
      ...example('issues', 'opened'),
      action: 'closed',
      installation: { id: 1 },
    });
    expect(closed).toMatchObject({ kind: 'issue', action: 'closed' });
    expect(closed.kind === 'issue' && closed.enqueue).toBeFalsy();
  });

  it('queues a manifest for pull_request opened, synchronize, reopened and edited, with the head SHA', () => {
    const payload = { ...example('pull_request', 'synchronize'), installation: { id: 1 } };
    const plan = planDelivery('pull_request', payload);
    expect(plan).toMatchObject({ kind: 'pull_request', enqueue: { reason: 'synchronize' } });
    if (plan.kind === 'pull_request') expect(plan.enqueue?.headSha).toMatch(/^[0-9a-f]{40}$/);
    const closed = planDelivery('pull_request', {
      ...example('pull_request', 'closed'),
      installation: { id: 1 },
    });
    expect(closed).toMatchObject({ kind: 'pull_request', action: 'closed' });
    expect(closed.kind === 'pull_request' && closed.enqueue).toBeFalsy();
  });

  it('turns /assay commands into commands, on the right kind of thread, never for bots', () => {
    expect(planDelivery('issue_comment', comment('/assay regenerate', false))).toMatchObject({
      kind: 'command',
      command: 'regenerate',
      number: 3,
      commenter: 'mona',
    });
    expect(planDelivery('issue_comment', comment('  /Assay revalidate please', true))).toMatchObject({
      kind: 'command',
      command: 'revalidate',
    });
    expect(planDelivery('issue_comment', comment('/assay revalidate', false)).kind).toBe('ignore');
    expect(planDelivery('issue_comment', comment('/assay regenerate', true)).kind).toBe('ignore');
    expect(planDelivery('issue_comment', comment('please /assay regenerate', false)).kind).toBe('ignore');
    expect(planDelivery('issue_comment', comment('/assay regenerate', false, 'Bot')).kind).toBe('ignore');
  });

  it('queues validation for workflow_run completed and check suite/run rerequested', () => {
    const run = planDelivery('workflow_run', {
      ...example('workflow_run', 'completed'),
      installation: { id: 1 },
    });
    expect(run).toMatchObject({
      kind: 'workflow_run',
      run: { status: 'completed' },
      message: { reason: 'workflow_run_completed' },
    });
    const suite = planDelivery('check_suite', {
      ...example('check_suite', 'rerequested'),
      installation: { id: 1 },
    });
    expect(suite).toMatchObject({ kind: 'validation', message: { reason: 'check_suite_rerequested' } });
    // A requested run is kept (so "no report" waits for it) but validates nothing yet.
    const requested = planDelivery('workflow_run', {
      ...example('workflow_run', 'requested'),
      installation: { id: 1 },
    });
    expect(requested).toMatchObject({ kind: 'workflow_run', action: 'requested' });
    expect(requested).not.toHaveProperty('message');
  });

  it('reads installation and installation_repositories events', () => {
    const created = planDelivery('installation', example('installation', 'created'));
    expect(created).toMatchObject({ kind: 'installation', action: 'created' });
    const added = planDelivery('installation_repositories', example('installation_repositories', 'added'));
    expect(added).toMatchObject({ kind: 'installation', action: 'repositories_added' });
    if (added.kind === 'installation') expect(added.repositories.length).toBeGreaterThan(0);
  });

  it('ignores what Assay does not use, saying why', () => {
    expect(planDelivery('star', example('star'))).toEqual({
      kind: 'ignore',
      reason: 'event star is not used',
    });
    expect(planDelivery('issues', { action: 'opened' })).toEqual({
      kind: 'ignore',
      reason: 'not sent to an installation',
    });
  });
});
