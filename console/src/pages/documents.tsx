import { useMutation, useQuery, useQueryClient } from '@tanstack/preact-query';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, unwrap } from '../api/client.ts';
import { Empty, ErrorPanel, Loading, PageTitle, Progress, Status, Time } from '../components/ui.tsx';

const BUSY = new Set(['pending', 'uploading', 'processing', 'parsing', 'chunking', 'embedding', 'queued']);

/** PUTs the file to the presigned URL, reporting progress (fetch cannot report upload progress). */
function putWithProgress(
  url: string,
  headers: Record<string, string>,
  file: File,
  onProgress: (loaded: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve()
        : reject(new Error(`The storage refused the upload (HTTP ${xhr.status}). Try again.`));
    xhr.onerror = () =>
      reject(new Error('The upload did not reach the storage (network or CORS). Try again.'));
    xhr.send(file);
  });
}

function Highlighted({ text, query }: { text: string; query: string }) {
  const terms = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 1);
  if (terms.length === 0) return <>{text}</>;
  const pattern = new RegExp(
    `(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`,
    'giu',
  );
  const parts: ComponentChildren[] = text
    .split(pattern)
    .map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part));
  return <>{parts}</>;
}

export function DocumentsPage({ params }: { params: { org: string } }) {
  const { org } = params;
  const client = useQueryClient();
  const [progress, setProgress] = useState<{ name: string; loaded: number; total: number }>();
  const [query, setQuery] = useState('');
  const docs = useQuery({
    queryKey: ['documents', org],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{org}/documents', { params: { path: { org }, query: {} } })),
    refetchInterval: (q) => (q.state.data?.documents.some((d) => BUSY.has(d.status)) ? 1_000 : false),
  });
  const upload = useMutation({
    mutationFn: async (file: File) => {
      const created = await unwrap(
        api.POST('/api/v1/orgs/{org}/documents', {
          params: { path: { org } },
          body: {
            filename: file.name,
            contentType: file.type || 'application/octet-stream',
            bytes: file.size,
          },
        }),
      );
      void client.invalidateQueries({ queryKey: ['documents', org] });
      setProgress({ name: file.name, loaded: 0, total: file.size });
      await putWithProgress(created.upload.url, created.upload.headers, file, (loaded) =>
        setProgress({ name: file.name, loaded, total: file.size }),
      );
      return created.document;
    },
    onSettled: () => void client.invalidateQueries({ queryKey: ['documents', org] }),
  });
  const search = useMutation({
    mutationFn: (q: string) =>
      unwrap(
        api.POST('/api/v1/orgs/{org}/search', {
          params: { path: { org } },
          body: { query: q, limit: 10, mode: 'hybrid' },
        }),
      ),
  });
  return (
    <article>
      <PageTitle>Documents</PageTitle>
      <section>
        <h2>Upload</h2>
        <label class="upload">
          Requirement document (PDF, DOCX, Markdown, text, CSV or HTML)
          <input
            type="file"
            accept=".pdf,.docx,.md,.markdown,.txt,.csv,.html,.htm"
            disabled={upload.isPending}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) upload.mutate(file);
              e.currentTarget.value = '';
            }}
          />
        </label>
        {progress && upload.isPending && (
          <Progress value={progress.loaded} max={progress.total || 1} label={`Uploading ${progress.name}`} />
        )}
        {upload.isSuccess && <p role="status">Uploaded {upload.data.filename}; it is processed now.</p>}
        {upload.error && <ErrorPanel error={upload.error} />}
      </section>
      <section>
        <h2>Search</h2>
        <form
          aria-label="Search the documents"
          onSubmit={(e) => {
            e.preventDefault();
            if (query.trim()) search.mutate(query.trim());
          }}
        >
          <label>
            Search the documents{' '}
            <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          </label>{' '}
          <button type="submit" disabled={search.isPending}>
            Search
          </button>
        </form>
        {search.error && <ErrorPanel error={search.error} />}
        {search.data && (
          <ol class="results" aria-label="Search results">
            {search.data.results.length === 0 && <li>No passage matches.</li>}
            {search.data.results.map((r) => (
              <li key={r.chunkId}>
                <p>
                  <strong>{r.documentTitle}</strong>
                  {r.headingPath.length > 0 && <> › {r.headingPath.join(' › ')}</>}
                  {r.page !== undefined && <> · page {r.page}</>}
                </p>
                <blockquote>
                  <Highlighted text={r.text} query={search.variables ?? ''} />
                </blockquote>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section>
        <h2>All documents</h2>
        {docs.error && <ErrorPanel error={docs.error} onRetry={() => void docs.refetch()} />}
        {!docs.data && !docs.error && <Loading />}
        {docs.data?.documents.length === 0 && (
          <Empty
            command={`npx assay documents upload requirements.pdf --org ${org} --url ${location.origin} --token <API token>`}
          >
            No document yet. Upload one above, or from a terminal:
          </Empty>
        )}
        {docs.data && docs.data.documents.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Status</th>
                  <th scope="col">Chunks</th>
                  <th scope="col">Size</th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {docs.data.documents.map((d) => (
                  <tr key={d.id}>
                    <td>
                      {d.title} <span class="sub">{d.filename}</span>
                    </td>
                    <td>
                      <Status value={d.status} />
                      {d.message && <p class="why">{d.message}</p>}
                    </td>
                    <td>{d.chunkCount}</td>
                    <td>{Math.ceil(d.bytes / 1024)} KB</td>
                    <td>
                      <Time iso={d.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </article>
  );
}
