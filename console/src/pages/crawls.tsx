import { useMutation, useQuery, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { api, unwrap } from '../api/client.ts';
import { Empty, ErrorPanel, Loading, PageTitle, Progress, Status, Time } from '../components/ui.tsx';

const ACTIVE = new Set(['queued', 'running']);

export function CrawlsPage({ params }: { params: { org: string } }) {
  const { org } = params;
  const client = useQueryClient();
  const [startUrl, setStartUrl] = useState('');
  const crawls = useQuery({
    queryKey: ['crawls', org],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{org}/crawls', { params: { path: { org }, query: {} } })),
    refetchInterval: (q) => (q.state.data?.crawls.some((c) => ACTIVE.has(c.status)) ? 1_500 : false),
  });
  const start = useMutation({
    mutationFn: (url: string) =>
      unwrap(api.POST('/api/v1/orgs/{org}/crawls', { params: { path: { org } }, body: { startUrl: url } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['crawls', org] }),
  });
  return (
    <article>
      <PageTitle>Crawls</PageTitle>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (startUrl) start.mutate(startUrl);
        }}
      >
        <label>
          Start URL{' '}
          <input type="url" required value={startUrl} onInput={(e) => setStartUrl(e.currentTarget.value)} />
        </label>{' '}
        <button type="submit" disabled={start.isPending}>
          Start crawl
        </button>
      </form>
      {start.error && <ErrorPanel error={start.error} />}
      {crawls.error && <ErrorPanel error={crawls.error} onRetry={() => void crawls.refetch()} />}
      {!crawls.data && !crawls.error && <Loading />}
      {crawls.data?.crawls.length === 0 && (
        <Empty command={`npx assay crawl https://staging.example.com --org ${org}`}>
          No crawl yet. Crawl the app under test so the agents know its pages and locators:
        </Empty>
      )}
      {crawls.data && crawls.data.crawls.length > 0 && (
        <ul class="list">
          {crawls.data.crawls.map((c) => (
            <li key={c.id}>
              <Link href={`/orgs/${org}/crawls/${c.id}`}>{c.startUrl}</Link> <Status value={c.status} /> ·{' '}
              {c.pagesCrawled} pages · <Time iso={c.createdAt} />
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

export function CrawlPage({ params }: { params: { org: string; id: string } }) {
  const { org, id } = params;
  const crawl = useQuery({
    queryKey: ['crawl', org, id],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{org}/crawls/{id}', { params: { path: { org, id } } })),
    refetchInterval: (q) => (q.state.data && ACTIVE.has(q.state.data.status) ? 1_000 : false),
  });
  const pages = useQuery({
    queryKey: ['crawl-pages', org, id, crawl.data?.pagesCrawled],
    queryFn: () =>
      unwrap(api.GET('/api/v1/orgs/{org}/crawls/{id}/pages', { params: { path: { org, id }, query: {} } })),
    enabled: crawl.data !== undefined,
  });
  if (crawl.error) return <ErrorPanel error={crawl.error} onRetry={() => void crawl.refetch()} />;
  if (!crawl.data) return <Loading />;
  const c = crawl.data;
  const seen = c.pagesCrawled + c.pagesFailed + c.pagesSkipped;
  return (
    <article>
      <PageTitle sub={<Link href={`/orgs/${org}/crawls`}>Crawls</Link>}>Crawl of {c.startUrl}</PageTitle>
      <p>
        <Status value={c.status} /> {c.stopReason && <>· stopped: {c.stopReason}</>}{' '}
        {c.error && <>· {c.error}</>}
      </p>
      {ACTIVE.has(c.status) && (
        <Progress value={seen} max={c.maxPages} label={`${seen} of at most ${c.maxPages} pages`} />
      )}
      <p>
        {c.pagesCrawled} crawled, {c.pagesFailed} failed, {c.pagesSkipped} skipped
      </p>
      {pages.error && <ErrorPanel error={pages.error} />}
      {pages.data?.pages.map((p) => (
        <details key={p.id} class="crawl-page">
          <summary>
            <Status value={p.outcome} /> {p.title ?? p.url} <span class="sub">{p.url}</span>
          </summary>
          {p.screenshotUrl && (
            <img src={p.screenshotUrl} alt={`Screenshot of ${p.title ?? p.url}`} loading="lazy" width={480} />
          )}
          {p.error && <p class="why">{p.error}</p>}
          <h4>Locators</h4>
          <ul>
            {p.buttons.map((b) => (
              <li key={`b:${b.name}`}>
                button {b.name}: <code>{b.locator ?? '—'}</code>
              </li>
            ))}
            {p.forms.flatMap((f) =>
              f.fields.map((field) => (
                <li key={`f:${field.name}:${field.locator}`}>
                  field {field.label ?? field.name}: <code>{field.locator ?? '—'}</code>
                </li>
              )),
            )}
          </ul>
        </details>
      ))}
    </article>
  );
}
