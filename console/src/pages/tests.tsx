import { useQuery } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api, type Json, unwrap } from '../api/client.ts';
import { LineChart, percent } from '../components/chart.tsx';
import { Empty, ErrorPanel, Loading, PageTitle, Status } from '../components/ui.tsx';

type Test = Json<'/api/v1/repos/{owner}/{repo}/tests'>['tests'][number];
type SortKey = 'name' | 'failureRate' | 'flakyRate' | 'medianDurationMs';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Test' },
  { key: 'failureRate', label: 'Failure rate' },
  { key: 'flakyRate', label: 'Flaky rate' },
  { key: 'medianDurationMs', label: 'Median duration' },
];

function History({ owner, repo, test }: { owner: string; repo: string; test: Test }) {
  const history = useQuery({
    queryKey: ['test-history', owner, repo, test.id],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/repos/{owner}/{repo}/tests/{testId}/history', {
          params: { path: { owner, repo, testId: test.id }, query: { limit: 100 } },
        }),
      ),
  });
  if (history.error) return <ErrorPanel error={history.error} />;
  if (!history.data) return <Loading />;
  const results = [...history.data.results].reverse();
  const labels = results.map((r) => r.sha.slice(0, 7));
  return (
    <div class="history">
      <LineChart
        title={`${test.name}: passed (1) or failed (0) by commit`}
        labels={labels}
        series={[
          {
            label: 'passed',
            values: results.map((r) => (r.status === 'passed' ? 1 : r.status === 'skipped' ? null : 0)),
            color: '#1a7f37',
          },
        ]}
      />
      <LineChart
        title={`${test.name}: duration by commit (ms)`}
        labels={labels}
        series={[{ label: 'duration ms', values: results.map((r) => r.durationMs), color: '#0969da' }]}
      />
    </div>
  );
}

export function TestsPage({ params }: { params: { owner: string; repo: string } }) {
  const { owner, repo } = params;
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'failureRate', desc: true });
  const [open, setOpen] = useState<string>();
  const tests = useQuery({
    queryKey: ['tests', owner, repo],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/repos/{owner}/{repo}/tests', {
          params: { path: { owner, repo }, query: { limit: 200 } },
        }),
      ),
  });
  const settings = useQuery({
    queryKey: ['repo', owner, repo],
    queryFn: () => unwrap(api.GET('/api/v1/repos/{owner}/{repo}', { params: { path: { owner, repo } } })),
  });
  if (tests.error) return <ErrorPanel error={tests.error} onRetry={() => void tests.refetch()} />;
  if (!tests.data) return <Loading />;
  const quarantine = settings.data?.quarantineFlaky ?? false;
  const rows = [...tests.data.tests].sort((a, b) => {
    const av = a[sort.key] ?? -1;
    const bv = b[sort.key] ?? -1;
    const order = typeof av === 'string' ? av.localeCompare(String(bv)) : (av as number) - (bv as number);
    return sort.desc ? -order : order;
  });
  return (
    <article>
      <PageTitle sub={`Rates over the last ${tests.data.windowDays} days`}>
        Tests of {owner}/{repo}
      </PageTitle>
      {rows.length === 0 ? (
        <Empty command={`npx assay upload --url ${location.origin} --junit 'reports/**/*.xml'`}>
          No test has been reported yet. Upload a JUnit report from CI:
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    scope="col"
                    key={c.key}
                    aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                  >
                    <button
                      type="button"
                      class="link"
                      onClick={() => setSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : true })}
                    >
                      {c.label}
                    </button>
                  </th>
                ))}
                <th scope="col">Last</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <>
                  <tr key={t.id}>
                    <td>
                      <button
                        type="button"
                        class="link"
                        aria-expanded={open === t.id}
                        onClick={() => setOpen(open === t.id ? undefined : t.id)}
                      >
                        {t.name}
                      </button>{' '}
                      <span class="sub">{t.classname}</span>
                      {t.flaky && <span class="tag">flaky</span>}
                      {t.flaky && quarantine && <span class="tag">quarantined</span>}
                      {t.tids.map((tid) => (
                        <code key={tid}> {tid}</code>
                      ))}
                    </td>
                    <td>{percent(t.failureRate)}</td>
                    <td>{percent(t.flakyRate)}</td>
                    <td>{t.medianDurationMs == null ? '—' : `${t.medianDurationMs} ms`}</td>
                    <td>
                      <Status value={t.lastStatus} />
                    </td>
                  </tr>
                  {open === t.id && (
                    <tr key={`${t.id}-history`}>
                      <td colSpan={5}>
                        <History owner={owner} repo={repo} test={t} />
                      </td>
                    </tr>
                  )}
                </>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}
