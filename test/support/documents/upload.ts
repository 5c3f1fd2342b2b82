import { callApi } from '../api-client.ts';

export interface UploadedDocument {
  id: string;
  status: string;
  failureReason?: string;
  message?: string;
  chunkCount: number;
  pageCount?: number;
  [key: string]: unknown;
}

/** Asks for an upload URL, PUTs `bytes` there as a client would, and returns the document as registered. */
export async function uploadDocument(
  baseUrl: string,
  token: string,
  org: string,
  file: { filename: string; contentType: string; bytes: Buffer | string; title?: string },
): Promise<UploadedDocument> {
  const body = Buffer.from(file.bytes);
  const created = await callApi(baseUrl, token, 'POST', `/orgs/${org}/documents`, {
    filename: file.filename,
    contentType: file.contentType,
    bytes: body.length,
    ...(file.title ? { title: file.title } : {}),
  });
  if (created.status !== 201)
    throw new Error(`POST documents → ${created.status} ${JSON.stringify(created.body)}`);
  const put = await fetch(created.body.upload.url, {
    method: 'PUT',
    headers: created.body.upload.headers,
    body,
  });
  if (!put.ok) throw new Error(`PUT → ${put.status}`);
  return created.body.document as UploadedDocument;
}

/** Polls the document until it is ready or failed (at most `timeoutMs`). */
export async function waitForDocument(
  baseUrl: string,
  token: string,
  org: string,
  id: string,
  timeoutMs = 60_000,
): Promise<UploadedDocument> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await callApi(baseUrl, token, 'GET', `/orgs/${org}/documents/${id}`);
    if (res.status === 429 && Date.now() < deadline) {
      // Long waits (isolated parsing on a loaded machine) poll into the rate limit: wait as told.
      const seconds = Number(res.body?.error?.details?.retryAfterSeconds ?? 1);
      await new Promise((resolve) => setTimeout(resolve, Math.min(30, seconds) * 1000));
      continue;
    }
    if (res.status !== 200) throw new Error(`GET document → ${res.status}`);
    if (res.body.status === 'ready' || res.body.status === 'failed') return res.body as UploadedDocument;
    if (Date.now() > deadline) throw new Error(`Document ${id} still ${res.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
