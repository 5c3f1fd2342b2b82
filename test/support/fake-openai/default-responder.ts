/**
 * Default answer of the double when nothing is queued: the numbered items of
 * the `<extracted_items>` block of the last user message, echoed back as
 * `origin: extracted` — a well-behaved model that changes nothing.
 */

export interface ChatMessageLike {
  role: string;
  content?: unknown;
}

/** Text of a message whose content is a string or an array of text parts. */
export function messageText(message: ChatMessageLike | undefined): string {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : ''))
      .join('');
  }
  return '';
}

/** The numbered extracted items (`1. text`) in the last `<extracted_items>` block of the last user message. */
export function extractedItemsOf(messages: readonly ChatMessageLike[]): { index: number; text: string }[] {
  const user = [...messages].reverse().find((m) => m.role === 'user');
  const text = messageText(user);
  const start = text.lastIndexOf('<extracted_items>');
  if (start < 0) return [];
  const end = text.indexOf('</extracted_items>', start);
  const block = text.slice(start + '<extracted_items>'.length, end < 0 ? undefined : end);
  const items: { index: number; text: string }[] = [];
  for (const line of block.split('\n')) {
    const match = /^(\d+)\. (.+)$/.exec(line.trim());
    if (match) items.push({ index: Number(match[1]), text: match[2]! });
  }
  return items;
}

/** JSON content echoing every extracted item unchanged. */
export function echoExtracted(messages: readonly ChatMessageLike[]): string {
  return JSON.stringify({
    items: extractedItemsOf(messages).map((item) => ({
      text: item.text,
      origin: { kind: 'extracted', index: item.index },
    })),
  });
}
