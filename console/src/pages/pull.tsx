import { useMutation, useQuery, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { Link, useSearch } from 'wouter-preact';
import { api, type Json, unwrap } from '../api/client.ts';
import { Empty, ErrorPanel, Loading, PageTitle, Status, Time } from '../components/ui.tsx';

type Params = { owner: string; repo: string; number: string };

/** While a report may still arrive, the page asks again every few seconds (stops when the tab is hidden). */
const LIVE_MS = 3_000;

export function PullPage({ params }: { params: Params }) {
  const { owner, repo } = params;
  const number = Number(params.number);
  const search = new URLSearchParams(useSearch());
  const sha = search.get('sha') ?? undefined;
  const path = { owner, repo, number };
  const pull = useQuery({
    queryKey: ['pull', owner, repo, number],
    queryFn: () => unwrap(api.GET('/api/v1/repos/{owner}/{repo}/pulls/{number}', { params: { path } })),
    refetchInterval: LIVE_MS,
  });
  const validation = useQuery({
    queryKey: ['pull-validation', owner, repo, number, sha ?? 'head'],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/repos/{owner}/{repo}/pulls/{number}/validation', {
          params: { path, query: sha ? { sha } : {} },
        }),
      ),
    refetchInterval: LIVE_MS,
  });
  if (pull.error) return <ErrorPanel error={pull.error} onRetry={() => void pull.refetch()} />;
  if (!pull.data) return <Loading />;
  const p = pull.data;
  const v = validation.data;
  const shownSha = v?.headSha ?? sha ?? p.headSha;
  return (
    <article>
      <PageTitle
        sub={
          <>
            <Link href={`/repos/${owner}/${repo}`}>
              {owner}/{repo}
            </Link>{' '}
            · {p.headRef} → {p.baseRef} · commit <code>{shownSha.slice(0, 7)}</code>
            {v && !v.current && (
              <>
                {' '}
                (not the head:{' '}
                <Link href={`/repos/${owner}/${repo}/pulls/${number}`}>see the current head</Link>)
              </>
            )}
            {p.htmlUrl && (
              <>
                {' '}
                · <a href={p.htmlUrl}>on GitHub</a>
              </>
            )}
          </>
        }
      >
        Pull request #{p.number}: {p.title}
      </PageTitle>
      <section class="summary-bar" aria-label="Summary">
        <div>
          Check:{' '}
          <Status value={v?.validation?.conclusion ?? p.validation?.conclusion ?? p.validation?.status} />
        </div>
        {v?.validation && (
          <div>
            {Object.entries(v.validation.counts).map(([word, n]) => (
              <span key={word} class="count">
                <Status value={word} /> {n}
              </span>
            ))}
          </div>
        )}
        <div>
          Updated <Time iso={v?.validation?.updatedAt} />
        </div>
        <FlagForMerge owner={owner} repo={repo} number={number} />
      </section>
      {validation.error ? (
        <ErrorPanel error={validation.error} onRetry={() => void validation.refetch()} />
      ) : !v ? (
        <Loading label="Loading the validation…" />
      ) : (
        <>
          <Criteria v={v} />
          <Reports v={v} owner={owner} repo={repo} />
          <CodeHealth v={v} />
        </>
      )}
      {p.linkedIssues.length > 0 && (
        <section>
          <h2>Linked issues</h2>
          <ul>
            {p.linkedIssues.map((i) => (
              <li key={`${i.owner}/${i.repo}#${i.number}`}>
                <Link href={`/repos/${i.owner}/${i.repo}/issues/${i.number}`}>
                  {i.owner}/{i.repo}#{i.number}
                </Link>{' '}
                — {i.items} criteria
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

type Validation = Json<'/api/v1/repos/{owner}/{repo}/pulls/{number}/validation'>;

function Criteria({ v }: { v: Validation }) {
  if (!v.validation)
    return (
      <section>
        <h2>Criteria</h2>
        <Empty
          command={`npx assay upload --url ${location.origin} --junit 'reports/**/*.xml' --sha ${v.headSha}`}
        >
          No test report has been validated for this commit yet. Upload the JUnit report from CI (the Assay
          GitHub Action, or the CLI):
        </Empty>
      </section>
    );
  const items = v.validation.items;
  return (
    <section>
      <h2>Criteria ({items.length})</h2>
      {items.length === 0 ? (
        <Empty>
          No linked issue has a checklist: link an issue (“Closes #12”) in the pull request's description.
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Each criterion with its status and the tests behind it</caption>
            <thead>
              <tr>
                <th scope="col">TID</th>
                <th scope="col">Criterion</th>
                <th scope="col">Status</th>
                <th scope="col">Tests</th>
                <th scope="col">Issue</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={`${item.issue.number}:${item.tid}`}>
                  <td>
                    <code>{item.tid}</code>
                  </td>
                  <td>{item.text}</td>
                  <td>
                    <Status value={item.status} />
                    {item.flaky && <span class="tag">flaky</span>}
                  </td>
                  <td>
                    {item.tests === 0
                      ? 'none'
                      : `${item.tests}: ${item.passed} passed, ${item.failed} failed, ${item.errored} errored, ${item.skipped} skipped`}
                    <TestDetails item={item} />
                  </td>
                  <td>
                    <Link href={`/repos/${item.issue.owner}/${item.issue.repo}/issues/${item.issue.number}`}>
                      #{item.issue.number}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The tests behind a criterion, when the API sends them (failure message and file). */
function TestDetails({ item }: { item: object }) {
  const cases = (item as { testCases?: unknown }).testCases;
  if (!Array.isArray(cases) || cases.length === 0) return null;
  return (
    <details>
      <summary>Tests</summary>
      <ul class="tests">
        {cases.map((c: Record<string, unknown>, i) => (
          <li key={i}>
            <Status value={String(c.status ?? '')} /> {String(c.name ?? '')}
            {typeof c.file === 'string' && (
              <>
                {' '}
                <code>
                  {c.file}
                  {typeof c.line === 'number' ? `:${c.line}` : ''}
                </code>
              </>
            )}
            {typeof c.message === 'string' && <pre class="failure">{c.message}</pre>}
          </li>
        ))}
      </ul>
    </details>
  );
}

function Reports({ v, owner, repo }: { v: Validation; owner: string; repo: string }) {
  return (
    <section>
      <h2>Reports received ({v.reports.length})</h2>
      {v.reports.length === 0 ? (
        <Empty
          command={`npx assay upload --url ${location.origin} --junit 'reports/**/*.xml' --sha ${v.headSha}`}
        >
          No report was received for this commit. Upload one from CI (the Assay GitHub Action does it;
          elsewhere, with an upload token of {owner}/{repo} in ASSAY_UPLOAD_TOKEN):
        </Empty>
      ) : (
        <ul class="reports">
          {v.reports.map((r) => (
            <li key={`${r.runId}:${r.kind}`}>
              <Status value={r.status} /> {r.kind} from CI run <code>{r.runId}</code>,{' '}
              <Time iso={r.uploadedAt} />
              {r.error && <p class="why">Why: {r.error}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CodeHealth({ v }: { v: Validation }) {
  const health = v.codeHealth;
  return (
    <section>
      <h2>Code health</h2>
      {!health ? (
        <p>No code-health report (SARIF, ESLint, Checkstyle…) for this commit.</p>
      ) : (
        <p>
          Score <strong>{health.score}</strong>/100
          {health.base?.delta != null && (
            <>
              {' '}
              ({health.base.delta >= 0 ? '+' : ''}
              {health.base.delta} against {health.base.branch})
            </>
          )}{' '}
          · {health.findingsTotal} findings:{' '}
          {Object.entries(health.counts)
            .map(([severity, n]) => `${n} ${severity}`)
            .join(', ')}
        </p>
      )}
    </section>
  );
}

function FlagForMerge({ owner, repo, number }: { owner: string; repo: string; number: number }) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState(false);
  const flag = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/repos/{owner}/{repo}/pulls/{number}/flag-for-merge', {
          params: { path: { owner, repo, number } },
          body: override ? { override: true, reason } : { override: false },
        }),
      ),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['pull', owner, repo, number] }),
  });
  return (
    <div class="flag">
      <button type="button" class="primary" disabled={flag.isPending} onClick={() => flag.mutate()}>
        Flag for merge
      </button>
      {flag.data && (
        <p role="status">
          Flagged {flag.data.headSha.slice(0, 7)} for merge{flag.data.override ? ' (override)' : ''}.
        </p>
      )}
      {flag.error && (
        <>
          <ErrorPanel error={flag.error} />
          <details>
            <summary>Override (admins)</summary>
            <label>
              <input
                type="checkbox"
                checked={override}
                onChange={(e) => setOverride(e.currentTarget.checked)}
              />{' '}
              Flag although the check is not green
            </label>
            <label>
              Reason
              <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </label>
          </details>
        </>
      )}
    </div>
  );
}
