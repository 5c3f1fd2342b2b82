import { ValidationError } from '../errors.ts';
import type { GitHubClient, GitHubComment, RepoRef } from './github-client.types.ts';

/** What {@link upsertMarkedComment} did. */
export type MarkedCommentAction = 'created' | 'updated' | 'unchanged';

export interface MarkedCommentResult {
  commentId: number;
  action: MarkedCommentAction;
}

const MARKER = /^<!-- assay:[^\n<>]+ -->$/;

/** Throws unless `marker` is a hidden HTML comment of the form `<!-- assay:… -->`. */
export function assertMarker(marker: string): void {
  const inner = marker.slice('<!-- '.length, -' -->'.length);
  if (!MARKER.test(marker) || inner.includes('--'))
    throw new ValidationError(
      `Comment marker must look like "<!-- assay:name -->", got ${JSON.stringify(marker)}`,
    );
}

/** `body` with `marker` as its first line, unless it already contains it. */
export function withMarker(marker: string, body: string): string {
  return body.includes(marker) ? body : `${marker}\n${body}`;
}

const normalise = (text: string) => text.replace(/\r\n/g, '\n');

/**
 * The comment Assay owns on an issue: the oldest one that contains `marker`
 * and was written by a bot (a GitHub App writes as `<slug>[bot]`). A person's
 * comment that quotes the marker is never taken over. When the client does
 * not report author types, any comment with the marker qualifies.
 */
export function findMarkedComment(comments: GitHubComment[], marker: string): GitHubComment | undefined {
  return comments.find(
    (comment) =>
      comment.body.includes(marker) && (comment.userType === undefined || comment.userType === 'Bot'),
  );
}

/**
 * Keeps exactly one Assay comment per issue or pull request, found by its
 * hidden marker: creates it if absent (one POST), rewrites it only if its body
 * differs (one PATCH; line endings are ignored), otherwise does nothing.
 * The marker is added as the first line of `body` if `body` lacks it.
 *
 * Not atomic: two concurrent calls for the same issue can both find nothing
 * and both create. Callers serialise per issue (one message at a time per
 * issue, or a stored comment id); if duplicates exist, the oldest is the one
 * kept up to date.
 */
export async function upsertMarkedComment(
  client: GitHubClient,
  ref: RepoRef,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<MarkedCommentResult> {
  assertMarker(marker);
  const full = withMarker(marker, body);
  const existing = findMarkedComment(await client.listIssueComments(ref, issueNumber), marker);
  if (!existing) {
    const created = await client.createIssueComment(ref, issueNumber, full);
    return { commentId: created.id, action: 'created' };
  }
  if (normalise(existing.body) === normalise(full)) return { commentId: existing.id, action: 'unchanged' };
  const updated = await client.updateIssueComment(ref, existing.id, full);
  return { commentId: updated.id, action: 'updated' };
}
