/**
 * What CI may upload: the kinds of report, their file extension and the
 * Content-Type signed into the presigned URL.
 *
 * @module
 */
import { z } from 'zod';
import { text } from '../text/text-schema.ts';

/** Kinds of report CI uploads (SPEC §4): JUnit XML, code health (JSON or SARIF), CTRF (JSON). */
export const UPLOAD_KINDS = ['junit', 'code-health', 'ctrf'] as const;

/** One of {@link UPLOAD_KINDS}. */
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/** Zod schema of an upload kind. */
export const uploadKindSchema = z.enum(UPLOAD_KINDS);

/** File extension and Content-Type of each kind. */
export const UPLOAD_FORMATS: Readonly<Record<UploadKind, { ext: string; contentType: string }>> = {
  junit: { ext: 'xml', contentType: 'application/xml' },
  'code-health': { ext: 'json', contentType: 'application/json' },
  ctrf: { ext: 'json', contentType: 'application/json' },
};

/** Kinds whose reports carry test results (validation, analytics, TIDs). */
export const TEST_REPORT_KINDS = ['junit', 'ctrf'] as const;

/** True for a kind of report that carries test results. */
export function isTestReportKind(kind: string): kind is (typeof TEST_REPORT_KINDS)[number] {
  return (TEST_REPORT_KINDS as readonly string[]).includes(kind);
}

/**
 * The audience a workflow must request for its GitHub Actions OIDC token
 * (`core.getIDToken('assay')`, or `&audience=assay` on `ACTIONS_ID_TOKEN_REQUEST_URL`).
 * Here, not in `oidc.ts`, so the upload client uses it without loading `jose`.
 */
export const OIDC_AUDIENCE = 'assay';

/** Prefix of upload tokens, so they are told from OIDC tokens (and found by secret scanners). */
export const UPLOAD_TOKEN_PREFIX = 'assay_upl_';

/** How long a presigned upload URL stays valid: 15 minutes. */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;

/** A full commit SHA (40 hex digits). */
export const commitShaSchema = text().regex(/^[0-9a-f]{40}$/i, 'a 40-character hex commit SHA');

/** A git ref as CI names it (`refs/heads/main`, `refs/pull/12/merge`, `refs/tags/v1`). */
export const gitRefSchema = text()
  .max(255)
  .regex(/^refs\/(heads|pull|tags)\/[^\s~^:?*[\\]+$/, 'a git ref such as refs/heads/main');

/** The branch a ref names (`refs/heads/x` → `x`), or `null` for pull, tag or missing refs. */
export function branchOfRef(ref: string | null | undefined): string | null {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
}

/** The pull request a `refs/pull/{n}/merge` (or `/head`) ref names, or `null`. */
export function pullOfRef(ref: string | null | undefined): number | null {
  const match = ref ? /^refs\/pull\/(\d{1,10})\/(merge|head)$/.exec(ref) : null;
  return match ? Number(match[1]) : null;
}

/** A CI run id as it appears in object keys: short, and safe in a path segment. */
export const runIdSchema = text().regex(
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
  'letters, digits, ".", "_" or "-" (at most 100)',
);

/**
 * The object key of one upload:
 * `orgs/{org}/repos/{repo}/runs/{run}/{kind}/{uuid}.{ext}`. Every segment is
 * already restricted to path-safe characters (GitHub logins and repository
 * names, {@link runIdSchema}, a UUID).
 */
export function uploadObjectKey(parts: {
  org: string;
  repo: string;
  runId: string;
  kind: UploadKind;
  uuid: string;
}): string {
  const { ext } = UPLOAD_FORMATS[parts.kind];
  return `orgs/${parts.org}/repos/${parts.repo}/runs/${parts.runId}/${parts.kind}/${parts.uuid}.${ext}`;
}
