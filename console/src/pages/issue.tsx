import { useMutation, useQuery } from '@tanstack/preact-query';
import { Link } from 'wouter-preact';
import { api, unwrap } from '../api/client.ts';
import { Empty, ErrorPanel, Loading, PageTitle, Status, Time } from '../components/ui.tsx';

type Params = { owner: string; repo: string; number: string };

export function IssuePage({ params }: { params: Params }) {
  const { owner, repo } = params;
  const number = Number(params.number);
  const path = { owner, repo, number };
  const issue = useQuery({
    queryKey: ['issue', owner, repo, number],
    queryFn: () => unwrap(api.GET('/api/v1/repos/{owner}/{repo}/issues/{number}', { params: { path } })),
    refetchInterval: 5_000,
  });
  const regenerate = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/repos/{owner}/{repo}/issues/{number}/regenerate', { params: { path } })),
  });
  if (issue.error) return <ErrorPanel error={issue.error} onRetry={() => void issue.refetch()} />;
  if (!issue.data) return <Loading />;
  const i = issue.data;
  const checklist = i.checklist;
  return (
    <article>
      <PageTitle
        sub={
          <>
            <Link href={`/repos/${owner}/${repo}`}>
              {owner}/{repo}
            </Link>{' '}
            · <Status value={i.state} />
            {i.author && <> · opened by {i.author}</>}
            {i.htmlUrl && (
              <>
                {' '}
                · <a href={i.htmlUrl}>on GitHub</a>
              </>
            )}
          </>
        }
      >
        Issue #{i.number}: {i.title}
      </PageTitle>
      <div class="actions">
        <button type="button" disabled={regenerate.isPending} onClick={() => regenerate.mutate()}>
          Regenerate checklist
        </button>
        {regenerate.isSuccess && (
          <p role="status">Regeneration queued; the checklist updates here when it is done (TIDs stay).</p>
        )}
        {regenerate.error && <ErrorPanel error={regenerate.error} />}
      </div>
      {!checklist ? (
        <Empty>
          This issue has no checklist yet: write its acceptance criteria in the issue (a “Acceptance criteria”
          section, Gherkin or a task list), then regenerate.
        </Empty>
      ) : (
        <section>
          <h2>
            Checklist v{checklist.version} ({checklist.items.length} criteria
            {checklist.truncated ? `, cut from ${checklist.totalFound}` : ''})
          </h2>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">
                Criteria with their latest status across pull requests
              </caption>
              <thead>
                <tr>
                  <th scope="col">TID</th>
                  <th scope="col">Criterion</th>
                  <th scope="col">Latest status</th>
                  <th scope="col">Proven</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {checklist.items.map((item) => (
                  <tr key={item.tid}>
                    <td>
                      <code>{item.tid}</code>
                    </td>
                    <td>{item.text}</td>
                    <td>
                      <Status value={item.status} />
                    </td>
                    <td>
                      {item.provenAt ? (
                        <>
                          <Time iso={item.provenAt} /> at <code>{item.provenSha?.slice(0, 7)}</code>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{item.source}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {checklist.retired.length > 0 && (
            <details>
              <summary>Retired criteria ({checklist.retired.length})</summary>
              <ul>
                {checklist.retired.map((r) => (
                  <li key={r.tid}>
                    <code>{r.tid}</code> {r.text}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
      )}
    </article>
  );
}

export function IssuesPage({ params }: { params: { owner: string; repo: string } }) {
  const { owner, repo } = params;
  const issues = useQuery({
    queryKey: ['issues', owner, repo],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/repos/{owner}/{repo}/issues', { params: { path: { owner, repo }, query: {} } }),
      ),
  });
  if (issues.error) return <ErrorPanel error={issues.error} onRetry={() => void issues.refetch()} />;
  if (!issues.data) return <Loading />;
  return (
    <article>
      <PageTitle>
        Issues of {owner}/{repo}
      </PageTitle>
      {issues.data.issues.length === 0 ? (
        <Empty>No issue yet. Open one on GitHub with acceptance criteria; Assay writes its checklist.</Empty>
      ) : (
        <ul class="list">
          {issues.data.issues.map((i) => (
            <li key={i.number}>
              <Link href={`/repos/${owner}/${repo}/issues/${i.number}`}>
                #{i.number} {i.title}
              </Link>{' '}
              <Status value={i.state} />{' '}
              {i.checklist ? `${i.checklist.proven}/${i.checklist.items} proven` : 'no checklist'}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
