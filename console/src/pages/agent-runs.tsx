import { useQuery } from '@tanstack/preact-query';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { api, unwrap } from '../api/client.ts';
import { Empty, ErrorPanel, Loading, PageTitle, Status, Time } from '../components/ui.tsx';

const STATUSES = [
  'running',
  'awaiting_approval',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
  'timed_out',
  'budget_exceeded',
];

function useRuns(org: string, refetchInterval?: number) {
  return useQuery({
    queryKey: ['runs', org],
    queryFn: () =>
      unwrap(api.GET('/api/v1/orgs/{org}/agent-runs', { params: { path: { org }, query: { limit: 200 } } })),
    ...(refetchInterval ? { refetchInterval } : {}),
  });
}

export function AgentRunsPage({ params }: { params: { org: string } }) {
  const { org } = params;
  const [location, navigate] = useLocation();
  const status = new URLSearchParams(useSearch()).get('status') ?? '';
  const runs = useRuns(org, 5_000);
  if (runs.error) return <ErrorPanel error={runs.error} onRetry={() => void runs.refetch()} />;
  if (!runs.data) return <Loading />;
  const shown = runs.data.runs.filter((r) => status === '' || r.status === status);
  return (
    <article>
      <PageTitle>Agent runs</PageTitle>
      <label class="filter">
        Status{' '}
        <select
          value={status}
          onChange={(e) => {
            const value = e.currentTarget.value;
            navigate(value ? `${location}?status=${value}` : location);
          }}
        >
          <option value="">all</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {shown.length === 0 ? (
        <Empty command={`npx assay agents run --org ${org} --repo ${org}/<repo> --issue <number>`}>
          {status ? `No run is ${status}.` : 'No agent run yet. Start one from an issue or a document:'}
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Stage</th>
                <th scope="col">Source</th>
                <th scope="col">Tokens</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link href={`/orgs/${org}/agent-runs/${r.id}`}>
                      <code>{r.id.slice(0, 8)}</code>
                    </Link>
                  </td>
                  <td>
                    <Status value={r.status} />
                  </td>
                  <td>{r.stage ?? '—'}</td>
                  <td>
                    {r.repository ?? ''}
                    {r.issues.length > 0 ? ` ${r.issues.map((n) => `#${n}`).join(' ')}` : ''}
                    {r.documentIds.length > 0 ? ` ${r.documentIds.length} document(s)` : ''}
                  </td>
                  <td>
                    {r.tokens.total}
                    {r.tokenBudget ? ` / ${r.tokenBudget}` : ''}
                  </td>
                  <td>
                    <Time iso={r.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

/** What waits for a person across runs: every run at an approval, oldest first. */
export function ApprovalsPage({ params }: { params: { org: string } }) {
  const { org } = params;
  const runs = useRuns(org, 5_000);
  if (runs.error) return <ErrorPanel error={runs.error} onRetry={() => void runs.refetch()} />;
  if (!runs.data) return <Loading />;
  const waiting = runs.data.runs
    .filter((r) => r.status === 'awaiting_approval')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return (
    <article>
      <PageTitle>Approvals</PageTitle>
      {waiting.length === 0 ? (
        <Empty>Nothing waits for an approval. Runs stop here when a stage's output needs a person.</Empty>
      ) : (
        <ul class="list">
          {waiting.map((r) => (
            <li key={r.id}>
              <Link href={`/orgs/${org}/agent-runs/${r.id}`}>
                Run <code>{r.id.slice(0, 8)}</code>: the {r.stage ?? ''} stage waits
              </Link>{' '}
              · {r.repository ?? ''} {r.issues.map((n) => `#${n}`).join(' ')} · started{' '}
              <Time iso={r.createdAt} />
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
