import { useMutation, useQuery, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { api, type Json, unwrap } from '../api/client.ts';
import { ArtifactView, contentFromText, editableText } from '../components/artifacts.tsx';
import { DiffView } from '../components/diff.tsx';
import { ErrorPanel, Loading, PageTitle, Progress, Status, Time } from '../components/ui.tsx';
import { useRunEvents } from '../live.ts';

type Params = { org: string; id: string };
type Run = Json<'/api/v1/orgs/{org}/agent-runs/{id}'>;
type Approval = Json<'/api/v1/orgs/{org}/agent-runs/{id}/approvals'>['approvals'][number];
type Artifact = Json<'/api/v1/orgs/{org}/agent-runs/{id}/artifacts'>['artifacts'][number];

const STAGES = ['analyst', 'qa', 'automation', 'verify'];

export function AgentRunPage({ params }: { params: Params }) {
  const { org, id } = params;
  const client = useQueryClient();
  const path = { org, id };
  const run = useQuery({
    queryKey: ['run', org, id],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{org}/agent-runs/{id}', { params: { path } })),
  });
  const approvals = useQuery({
    queryKey: ['run-approvals', org, id],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{org}/agent-runs/{id}/approvals', { params: { path } })),
  });
  const artifacts = useQuery({
    queryKey: ['run-artifacts', org, id],
    queryFn: () =>
      unwrap(api.GET('/api/v1/orgs/{org}/agent-runs/{id}/artifacts', { params: { path, query: {} } })),
  });
  const { events, state } = useRunEvents(
    `/api/v1/orgs/${encodeURIComponent(org)}/agent-runs/${encodeURIComponent(id)}/events/stream`,
    () => {
      void client.invalidateQueries({ queryKey: ['run', org, id] });
      void client.invalidateQueries({ queryKey: ['run-approvals', org, id] });
      void client.invalidateQueries({ queryKey: ['run-artifacts', org, id] });
    },
  );
  if (run.error) return <ErrorPanel error={run.error} onRetry={() => void run.refetch()} />;
  if (!run.data) return <Loading />;
  const r = run.data;
  const pending = approvals.data?.approvals.find((a) => a.status === 'pending');
  const stagesSeen = new Map<string, string>();
  for (const e of events) {
    if (!e.stage) continue;
    if (e.type === 'stage_started') stagesSeen.set(e.stage, 'running');
    if (e.type === 'approval_requested') stagesSeen.set(e.stage, 'awaiting_approval');
    if (e.type === 'stage_finished') stagesSeen.set(e.stage, String(e.data.status ?? 'succeeded'));
  }
  return (
    <article>
      <PageTitle
        sub={
          <>
            <Link href={`/orgs/${org}/agent-runs`}>Agent runs</Link> · requested by{' '}
            {r.requestedBy ?? 'unknown'} · <Time iso={r.createdAt} />
            {r.repository && <> · {r.repository}</>}
            {r.issues.length > 0 && <> · issues {r.issues.map((n) => `#${n}`).join(', ')}</>}
          </>
        }
      >
        Agent run <code>{r.id.slice(0, 8)}</code>
      </PageTitle>
      <section class="summary-bar" aria-label="Run status">
        <div>
          Status: <Status value={r.status} />
          {r.stage && (
            <>
              {' '}
              at stage <strong>{r.stage}</strong>
            </>
          )}
        </div>
        <div aria-live="polite">
          Live: <span class={`stream ${state}`}>{state}</span>
        </div>
        <a class="button" href={`/api/v1/orgs/${org}/agent-runs/${id}/export.zip`} download>
          Download export
        </a>
        {(r.status === 'running' || r.status === 'awaiting_approval') && <Cancel org={org} id={id} />}
      </section>
      {r.error && (
        <div class="panel error" role="alert">
          <h2>The run ended: {r.error.code}</h2>
          <p>{r.error.message}</p>
        </div>
      )}
      <Tokens run={r} />
      <section>
        <h2>Stages</h2>
        <ol class="stages" aria-live="polite">
          {[...new Set([...STAGES, ...stagesSeen.keys()])].map((stage) => (
            <li key={stage}>
              <span class="stage-name">{stage}</span>{' '}
              <Status
                value={
                  stagesSeen.get(stage) ??
                  (r.stage === stage
                    ? r.status
                    : r.tokens.byStage[stage] !== undefined
                      ? 'succeeded'
                      : 'not started')
                }
              />
            </li>
          ))}
        </ol>
      </section>
      {pending && (
        <ApprovalPanel org={org} id={id} approval={pending} artifacts={artifacts.data?.artifacts ?? []} />
      )}
      <Verify run={r} />
      <section>
        <h2>Artifacts</h2>
        {artifacts.error && <ErrorPanel error={artifacts.error} />}
        {artifacts.data?.artifacts.length === 0 && (
          <p>No artifact yet: the analyst writes the requirements first.</p>
        )}
        {artifacts.data?.artifacts.map((a) => (
          <details key={a.id}>
            <summary>
              {a.kind}: {a.name} (v{a.version}, {a.source})
            </summary>
            <ArtifactView kind={a.kind} name={a.name} content={a.content} />
          </details>
        ))}
      </section>
      <section>
        <h2>Events ({events.length})</h2>
        <ol class="events">
          {events.map((e) => (
            <li key={e.id}>
              <Time iso={e.createdAt} /> {e.type}
              {e.stage && <> · {e.stage}</>}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

function Tokens({ run }: { run: Run }) {
  const { total } = run.tokens;
  return (
    <section>
      <h2>Tokens</h2>
      {run.tokenBudget ? (
        <Progress
          value={Math.min(total, run.tokenBudget)}
          max={run.tokenBudget}
          label={`${total} of ${run.tokenBudget} tokens`}
        />
      ) : (
        <p>{total} tokens spent (no budget for this run).</p>
      )}
      <p class="sub">
        {Object.entries(run.tokens.byStage)
          .map(([stage, n]) => `${stage}: ${n}`)
          .join(' · ')}
      </p>
    </section>
  );
}

function Verify({ run }: { run: Run }) {
  const v = run.verify;
  if (!v) return null;
  const extra = Object.entries(v).filter(
    ([k, value]) => typeof value === 'number' && !['tests', 'passed', 'failed', 'skipped'].includes(k),
  );
  return (
    <section>
      <h2>Verify</h2>
      <p>
        Type check <Status value={v.typecheck} /> ·{' '}
        {v.ran ? 'ran against the crawled app' : `not run: ${v.notRunReason ?? ''}`}
      </p>
      <dl class="counts">
        <dt>tests</dt>
        <dd>{v.tests}</dd>
        <dt>passed</dt>
        <dd>{v.passed}</dd>
        <dt>failed</dt>
        <dd>{v.failed}</dd>
        <dt>skipped</dt>
        <dd>{v.skipped}</dd>
        {extra.map(([k, value]) => (
          <>
            <dt key={`${k}-t`}>{k}</dt>
            <dd key={`${k}-d`}>{String(value)}</dd>
          </>
        ))}
      </dl>
      {v.typeErrors.length > 0 && (
        <details>
          <summary>Type errors ({v.typeErrors.length})</summary>
          <pre>{v.typeErrors.join('\n')}</pre>
        </details>
      )}
      {v.locatorsMissing.length > 0 && (
        <details>
          <summary>Locators the crawl did not see ({v.locatorsMissing.length})</summary>
          <ul>
            {v.locatorsMissing.map((l) => (
              <li key={`${l.path}:${l.locator}`}>
                <code>{l.path}</code>: <code>{l.locator}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function Cancel({ org, id }: { org: string; id: string }) {
  const client = useQueryClient();
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/orgs/{org}/agent-runs/{id}/cancel', { params: { path: { org, id } } })),
    onSettled: () => void client.invalidateQueries({ queryKey: ['run', org, id] }),
  });
  return (
    <>
      <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
        Cancel run
      </button>
      {cancel.error && <ErrorPanel error={cancel.error} />}
    </>
  );
}

type Mode =
  | { kind: 'view' }
  | { kind: 'reject' }
  | { kind: 'edit'; texts: Record<string, string>; review: boolean };

/** What a person decides at an approval: the stage's artifacts, then Approve, Reject (with a reason) or Edit. */
function ApprovalPanel({
  org,
  id,
  approval,
  artifacts,
}: {
  org: string;
  id: string;
  approval: Approval;
  artifacts: Artifact[];
}) {
  const client = useQueryClient();
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [reason, setReason] = useState('');
  const [editError, setEditError] = useState<string>();
  const ids = new Set(approval.artifacts.map((a) => a.id));
  const mine = artifacts.filter((a) => ids.has(a.id));
  const decide = useMutation({
    mutationFn: (body: {
      decision: 'approve' | 'edit' | 'reject';
      comment?: string;
      artifacts?: { id: string; content: unknown }[];
    }) =>
      unwrap(
        api.POST('/api/v1/orgs/{org}/agent-runs/{id}/approvals/{approvalId}', {
          params: { path: { org, id, approvalId: approval.id } },
          body,
        }),
      ),
    onSuccess: () => {
      setMode({ kind: 'view' });
      for (const key of ['run', 'run-approvals', 'run-artifacts'])
        void client.invalidateQueries({ queryKey: [key, org, id] });
      void client.invalidateQueries({ queryKey: ['runs', org] });
    },
  });
  const startEdit = () =>
    setMode({
      kind: 'edit',
      review: false,
      texts: Object.fromEntries(mine.map((a) => [a.id, editableText(a.kind, a.content)])),
    });
  const sendEdit = (texts: Record<string, string>) => {
    setEditError(undefined);
    try {
      const changed = mine
        .filter((a) => texts[a.id] !== editableText(a.kind, a.content))
        .map((a) => ({ id: a.id, content: contentFromText(a.kind, a.content, texts[a.id] ?? '') }));
      if (changed.length === 0) {
        setEditError('Nothing was changed: edit an artifact, or approve it as it is.');
        return;
      }
      decide.mutate({ decision: 'edit', artifacts: changed });
    } catch (error) {
      setEditError(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <section class="approval panel" aria-labelledby="approval-title">
      <h2 id="approval-title">Approval: {approval.stage} stage</h2>
      <p>
        The run waits for a decision on {mine.length} artifact{mine.length === 1 ? '' : 's'} since{' '}
        <Time iso={approval.createdAt} />.
      </p>
      {mode.kind !== 'edit' &&
        mine.map((a) => (
          <article key={a.id} class="artifact">
            <h3>
              {a.kind}: {a.name} <span class="sub">v{a.version}</span>
            </h3>
            <ArtifactView kind={a.kind} name={a.name} content={a.content} />
          </article>
        ))}
      {mode.kind === 'edit' &&
        mine.map((a) =>
          mode.review ? (
            <DiffView
              key={a.id}
              label={`${a.name}: v${a.version} → your edit`}
              before={editableText(a.kind, a.content)}
              after={mode.texts[a.id] ?? ''}
            />
          ) : (
            <label key={a.id} class="edit">
              {a.kind}: {a.name} (v{a.version})
              <textarea
                rows={16}
                spellcheck={false}
                value={mode.texts[a.id]}
                onInput={(e) => {
                  const value = e.currentTarget.value;
                  setMode({ ...mode, texts: { ...mode.texts, [a.id]: value } });
                }}
              />
            </label>
          ),
        )}
      {mode.kind === 'reject' && (
        <label class="edit">
          Reason for rejecting
          <textarea rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
      )}
      {editError && (
        <p class="panel error" role="alert">
          {editError}
        </p>
      )}
      {decide.error && <ErrorPanel error={decide.error} />}
      <div class="decide">
        {mode.kind === 'view' && (
          <>
            <button
              type="button"
              class="primary"
              disabled={decide.isPending}
              onClick={() => decide.mutate({ decision: 'approve' })}
            >
              Approve
            </button>
            <button type="button" disabled={decide.isPending || mine.length === 0} onClick={startEdit}>
              Edit
            </button>
            <button
              type="button"
              class="danger"
              disabled={decide.isPending}
              onClick={() => setMode({ kind: 'reject' })}
            >
              Reject
            </button>
          </>
        )}
        {mode.kind === 'reject' && (
          <>
            <button
              type="button"
              class="danger"
              disabled={decide.isPending || reason.trim() === ''}
              onClick={() => decide.mutate({ decision: 'reject', comment: reason.trim() })}
            >
              Reject the run
            </button>
            <button type="button" onClick={() => setMode({ kind: 'view' })}>
              Back
            </button>
          </>
        )}
        {mode.kind === 'edit' && !mode.review && (
          <>
            <button type="button" class="primary" onClick={() => setMode({ ...mode, review: true })}>
              Review changes
            </button>
            <button type="button" onClick={() => setMode({ kind: 'view' })}>
              Discard edit
            </button>
          </>
        )}
        {mode.kind === 'edit' && mode.review && (
          <>
            <button
              type="button"
              class="primary"
              disabled={decide.isPending}
              onClick={() => sendEdit(mode.texts)}
            >
              Send edit and continue
            </button>
            <button type="button" onClick={() => setMode({ ...mode, review: false })}>
              Back to editing
            </button>
          </>
        )}
      </div>
    </section>
  );
}
