/**
 * Cutting report text (failure messages, finding messages) to a length.
 *
 * @module
 */

/**
 * `text` trimmed; when longer than `max` characters, its first `max − 1` and
 * an ellipsis — never splitting a surrogate pair. `undefined` when blank.
 */
export function truncateText(text: string, max: number): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.length <= max) return trimmed;
  let end = max - 1;
  const last = trimmed.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${trimmed.slice(0, end)}…`;
}
