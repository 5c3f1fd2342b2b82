/**
 * GitHub's limits on the text Assay writes, enforced in one place: the
 * GitHub client passes every comment body and check-run output through
 * {@link fitCommentBody} and {@link fitCheckRunOutput} before sending it, so
 * no write can be refused for its size (GitHub answers 422 and the pull
 * request would be left without its comment or check).
 *
 * Limits (REST API, checks and issue comments):
 * - check run `output.summary` and `output.text`: 65,535 **bytes** each
 *   (UTF-8; `✅` is three bytes, so characters are not the measure);
 * - issue comment `body`: 65,536 characters (counted here in UTF-16 code
 *   units, which is never fewer than the characters GitHub counts);
 * - annotations: at most 50 per request; `start_line` ≥ 1 and
 *   `end_line` ≥ `start_line`; `title` 255 characters; `message` 64 KB.
 *
 * Callers bound their own lists ("… and N more" with a link); these
 * functions are the last guard and cut at a character boundary with a note.
 *
 * @module
 */
import type { CheckRunAnnotation, CheckRunOutput } from './github-client.types.ts';

/** GitHub's limit on a check run's `output.summary` and `output.text`, in UTF-8 bytes. */
export const MAX_CHECK_TEXT_BYTES = 65_535;
/** GitHub's limit on an issue or pull-request comment body, in characters. */
export const MAX_COMMENT_CHARS = 65_536;
/** GitHub accepts at most 50 check-run annotations per request; more go in further updates. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit on an annotation's `title`, in characters. */
export const MAX_ANNOTATION_TITLE_CHARS = 255;
/** GitHub's limit on an annotation's `message`, in bytes (64 KB). */
export const MAX_ANNOTATION_MESSAGE_BYTES = 65_535;

const utf8 = new TextEncoder();

/** UTF-8 size of `text` in bytes. */
export function byteLength(text: string): number {
  return utf8.encode(text).length;
}

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes, never splitting a character. */
function prefixOfBytes(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  const bytes = utf8.encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

/** The longest prefix of `text` of at most `maxUnits` UTF-16 units, never splitting a surrogate pair. */
function prefixOfUnits(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  let end = Math.max(0, maxUnits);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/**
 * `text` if it fits in `maxBytes` UTF-8 bytes; otherwise its longest prefix
 * that fits together with `notice` (default: a line saying it was cut).
 */
export function fitBytes(text: string, maxBytes: number, notice = cutNotice(`${maxBytes} bytes`)): string {
  if (byteLength(text) <= maxBytes) return text;
  return prefixOfBytes(text, maxBytes - byteLength(notice)) + notice;
}

/** `text` if it has at most `maxChars` UTF-16 units; otherwise a prefix plus `notice` within the limit. */
export function fitChars(
  text: string,
  maxChars: number,
  notice = cutNotice(`${maxChars} characters`),
): string {
  if (text.length <= maxChars) return text;
  return prefixOfUnits(text, maxChars - notice.length) + notice;
}

const cutNotice = (limit: string) => `\n\n… cut here to fit GitHub's limit of ${limit}.`;

/** A comment body GitHub accepts: at most 65,536 characters, cut with a note if longer. */
export function fitCommentBody(body: string): string {
  return fitChars(body, MAX_COMMENT_CHARS);
}

/**
 * An annotation GitHub accepts, or undefined when it cannot be one: lines
 * below 1 become 1, an `end_line` before `start_line` becomes `start_line`,
 * title and message are cut to their limits, and an empty path or message
 * drops the annotation.
 */
export function fitAnnotation(annotation: CheckRunAnnotation): CheckRunAnnotation | undefined {
  const path = annotation.path.trim();
  if (path === '' || annotation.message.trim() === '') return undefined;
  const line = (n: number) => (Number.isSafeInteger(n) && n >= 1 ? n : 1);
  const start = line(annotation.start_line);
  const end = Math.max(start, line(annotation.end_line));
  return {
    ...annotation,
    path,
    start_line: start,
    end_line: end,
    message: fitBytes(annotation.message, MAX_ANNOTATION_MESSAGE_BYTES, '…'),
    ...(annotation.title === undefined
      ? {}
      : { title: fitChars(annotation.title, MAX_ANNOTATION_TITLE_CHARS, '…') }),
  };
}

/**
 * A check-run output GitHub accepts: summary and text within 65,535 bytes
 * (cut with a note), every annotation fitted (see {@link fitAnnotation};
 * impossible ones dropped). Annotations are not batched here: the client
 * sends them 50 per request.
 */
export function fitCheckRunOutput(output: CheckRunOutput): CheckRunOutput {
  const annotations = output.annotations
    ?.map(fitAnnotation)
    .filter((a): a is CheckRunAnnotation => a !== undefined);
  return {
    title: output.title.trim() === '' ? 'Assay' : output.title,
    summary: fitBytes(output.summary, MAX_CHECK_TEXT_BYTES),
    ...(output.text === undefined ? {} : { text: fitBytes(output.text, MAX_CHECK_TEXT_BYTES) }),
    ...(annotations === undefined ? {} : { annotations }),
  };
}

/**
 * At most `max` items of a list for generated text, and how many were left
 * out: `boundedList(issues, 50)` → the first 50 and `more: 1250`, for an
 * "… and 1,250 more" line with a link to the full view.
 */
export function boundedList<T>(items: readonly T[], max: number): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}
