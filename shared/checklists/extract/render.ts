import type { Nodes, PhrasingContent } from 'mdast';

/**
 * Rendering of mdast inline content to plain text: emphasis, strong and links
 * keep their text, inline code keeps its code, struck-through text, images,
 * footnote references and HTML comments are dropped. Iterative, so arbitrarily
 * deep inline nesting cannot overflow the stack.
 */

const HTML_TAGS = new Set(
  (
    'a abbr b bdi bdo big blockquote br caption center cite code col colgroup dd del details dfn div dl dt em ' +
    'figcaption figure font h1 h2 h3 h4 h5 h6 hr i img input ins kbd label li mark ol p picture pre q rp rt ' +
    'ruby s samp section small source span strike strong sub summary sup table tbody td tfoot th thead tr tt ' +
    'u ul var video wbr'
  ).split(' '),
);

/**
 * Plain-text value of an inline HTML fragment: comments and known tags vanish,
 * `<br>` is a line break, anything else (`<email>` in a Gherkin outline,
 * `<placeholder>`) is kept literally.
 */
export function htmlText(value: string): string {
  if (value.startsWith('<!--')) return '';
  const tag = /^<\/?([A-Za-z][A-Za-z0-9-]*)\b[^>]*>$/.exec(value.trim());
  if (!tag) return value;
  const name = tag[1]!.toLowerCase();
  if (name === 'br') return '\n';
  return HTML_TAGS.has(name) ? '' : value;
}

/** Plain text of inline nodes, line breaks included as `\n`. */
export function renderInline(nodes: readonly Nodes[]): string {
  let out = '';
  const stack: Nodes[] = [...nodes].reverse();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    switch (node.type) {
      case 'text':
      case 'inlineCode':
        out += node.value;
        break;
      case 'break':
        out += '\n';
        break;
      case 'html':
        out += htmlText(node.value);
        break;
      case 'delete':
      case 'image':
      case 'imageReference':
      case 'footnoteReference':
        break;
      default:
        if ('children' in node)
          for (let i = node.children.length - 1; i >= 0; i -= 1) stack.push(node.children[i]!);
    }
  }
  return out;
}

/** Plain text of inline nodes on one line (breaks become spaces). */
export function renderFlat(nodes: readonly Nodes[]): string {
  return renderInline(nodes).replace(/\s+/g, ' ').trim();
}

/** One visual line of a paragraph. */
export interface RenderedLine {
  /** Plain text of the line, trimmed. */
  readonly text: string;
  /** Text of a bold/italic span the line starts with (a possible label), if any. */
  readonly lead?: string;
  /** Index in `text` where that span ends. */
  readonly leadEnd?: number;
}

/**
 * Splits a paragraph's inline content into lines at soft and hard line breaks,
 * noting for each line whether it starts with a bold/italic span.
 */
export function renderLines(nodes: readonly PhrasingContent[]): RenderedLine[] {
  const lines: RenderedLine[] = [];
  let text = '';
  let blank = true;
  let lead: string | undefined;
  let leadEnd: number | undefined;
  const flush = (): void => {
    const trimmed = text.trim();
    const offset = text.length - text.trimStart().length;
    lines.push(
      lead === undefined ? { text: trimmed } : { text: trimmed, lead, leadEnd: (leadEnd ?? 0) - offset },
    );
    text = '';
    blank = true;
    lead = undefined;
    leadEnd = undefined;
  };
  const add = (piece: string): void => {
    text += piece;
    if (blank && piece.trim() !== '') blank = false;
  };
  for (const node of nodes) {
    if ((node.type === 'strong' || node.type === 'emphasis') && blank && lead === undefined) {
      const value = renderFlat([node]);
      add(value);
      lead = value;
      leadEnd = text.length;
    } else if (node.type === 'text' || node.type === 'break' || node.type === 'html') {
      renderInline([node])
        .split('\n')
        .forEach((part, i) => {
          if (i > 0) flush();
          add(part);
        });
    } else {
      add(renderInline([node]).replace(/\n/g, ' '));
    }
  }
  flush();
  return lines.filter((l) => l.text.length > 0);
}
