import { useQuery } from '@tanstack/preact-query';
import { Link } from 'wouter-preact';
import { api, type Json, unwrap } from '../api/client.ts';
import { LineChart, percent } from '../components/chart.tsx';
import { Empty, ErrorPanel, Loading, PageTitle, Status, Time } from '../components/ui.tsx';

type Metrics = Json<'/api/v1/orgs/{org}/metrics'>;

function MetricsView({ m }: { m: Metrics }) {
  const labels = m.trend.map((t) => t.day);
  return (
    <>
      <section class="cards" aria-label="Key figures">
        <div class="card">
          <p class="figure">{percent(m.criteria.coverage)}</p>
          <p>
            criteria coverage ({m.criteria.proven} of {m.criteria.active} proven)
          </p>
        </div>
        <div class="card">
          <p class="figure">{percent(m.tests.passRate)}</p>
          <p>pass rate over {m.tests.runs} reports</p>
        </div>
        <div class="card">
          <p class="figure">{m.flaky.tests}</p>
          <p>flaky tests ({percent(m.flaky.rate)})</p>
        </div>
        <div class="card">
          <p class="figure">
            {m.pullRequests.green}/{m.pullRequests.validated}
          </p>
          <p>pull requests green</p>
        </div>
      </section>
      <LineChart
        title="Criteria coverage and pass rate"
        labels={labels}
        format={percent}
        series={[
          { label: 'coverage', values: m.trend.map((t) => t.coverage), color: '#0969da' },
          { label: 'pass rate', values: m.trend.map((t) => t.passRate), color: '#1a7f37' },
        ]}
      />
      <LineChart
        title="Flaky tests"
        labels={labels}
        series={[{ label: 'flaky tests', values: m.trend.map((t) => t.flakyTests), color: '#9a6700' }]}
      />
      <p class="sub">
        {m.from} to {m.to} · rolled up <Time iso={m.rolledUpAt} />
      </p>
    </>
  );
}

function AwaitingRuns({ org }: { org: string }) {
  const runs = useQuery({
    queryKey: ['runs', org],
    queryFn: () =>
      unwrap(api.GET('/api/v1/orgs/{org}/agent-runs', { params: { path: { org }, query: { limit: 200 } } })),
  });
  const waiting = runs.data?.runs.filter((r) => r.status === 'awaiting_approval') ?? [];
  return (
    <section>
      <h2>Runs awaiting approval ({waiting.length})</h2>
      {runs.error && <ErrorPanel error={runs.error} />}
      {waiting.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul class="list">
          {waiting.map((r) => (
            <li key={r.id}>
              <Link href={`/orgs/${org}/agent-runs/${r.id}`}>
                <code>{r.id.slice(0, 8)}</code> at {r.stage}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function OrgOverviewPage({ params }: { params: { org: string } }) {
  const { org } = params;
  const metrics = useQuery({
    queryKey: ['org-metrics', org],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{org}/metrics', { params: { path: { org }, query: {} } })),
  });
  const repos = useQuery({
    queryKey: ['repos', org],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{org}/repos', { params: { path: { org }, query: {} } })),
  });
  return (
    <article>
      <PageTitle>{org}</PageTitle>
      <section>
        <h2>Repositories</h2>
        {repos.error && <ErrorPanel error={repos.error} onRetry={() => void repos.refetch()} />}
        {!repos.data && !repos.error && <Loading />}
        {repos.data?.repositories.length === 0 && (
          <Empty command={`npx assay dev install --org ${org} --repo <name>`}>
            The Assay GitHub App is not installed on any repository yet. Install it on GitHub (locally:)
          </Empty>
        )}
        {repos.data && repos.data.repositories.length > 0 && (
          <ul class="list">
            {repos.data.repositories.map((r) => (
              <li key={r.fullName}>
                <Link href={`/repos/${r.owner}/${r.name}`}>{r.fullName}</Link> · {r.counts.openPulls} open
                pull requests waiting · {r.counts.openIssuesWithChecklists} issues with checklists · last
                check <Status value={r.lastValidation?.conclusion ?? 'none'} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <AwaitingRuns org={org} />
      {metrics.error ? (
        <ErrorPanel error={metrics.error} />
      ) : metrics.data ? (
        <MetricsView m={metrics.data} />
      ) : (
        <Loading />
      )}
    </article>
  );
}

export function RepoOverviewPage({ params }: { params: { owner: string; repo: string } }) {
  const { owner, repo } = params;
  const path = { owner, repo };
  const info = useQuery({
    queryKey: ['repo', owner, repo],
    queryFn: () => unwrap(api.GET('/api/v1/repos/{owner}/{repo}', { params: { path } })),
  });
  const metrics = useQuery({
    queryKey: ['repo-metrics', owner, repo],
    queryFn: () => unwrap(api.GET('/api/v1/repos/{owner}/{repo}/metrics', { params: { path, query: {} } })),
  });
  if (info.error) return <ErrorPanel error={info.error} onRetry={() => void info.refetch()} />;
  if (!info.data) return <Loading />;
  const r = info.data;
  return (
    <article>
      <PageTitle
        sub={
          <>
            gate <strong>{r.gate}</strong> · flaky tests{' '}
            {r.quarantineFlaky ? 'quarantined' : 'block the check'} · {r.counts.openPulls} open pull requests
            waiting
          </>
        }
      >
        {r.fullName}
      </PageTitle>
      <nav aria-label="Repository" class="subnav">
        <Link href={`/repos/${owner}/${repo}/issues`}>Issues</Link>
        <Link href={`/repos/${owner}/${repo}/tests`}>Tests</Link>
        <Link href={`/repos/${owner}/${repo}/settings`}>Settings</Link>
      </nav>
      {r.lastValidation && (
        <p>
          Last validation <Status value={r.lastValidation.conclusion} /> on{' '}
          <code>{r.lastValidation.headSha.slice(0, 7)}</code>, <Time iso={r.lastValidation.updatedAt} />
        </p>
      )}
      {metrics.error ? (
        <ErrorPanel error={metrics.error} />
      ) : metrics.data ? (
        <MetricsView m={metrics.data} />
      ) : (
        <Loading />
      )}
      <AwaitingRuns org={owner} />
    </article>
  );
}
