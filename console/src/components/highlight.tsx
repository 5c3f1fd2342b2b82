import hljs from 'highlight.js/lib/core';
import typescript from 'highlight.js/lib/languages/typescript';
import { useMemo } from 'preact/hooks';

hljs.registerLanguage('typescript', typescript);

/** A TypeScript file (a Playwright test) with its syntax highlighted; the text itself is escaped by highlight.js. */
export function Code({ code, label }: { code: string; label: string }) {
  const html = useMemo(() => hljs.highlight(code, { language: 'typescript' }).value, [code]);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    // biome-ignore lint/a11y/useSemanticElements: a <pre> keeps the code's whitespace; the region role names the scrollable block
    <pre class="code" role="region" aria-label={label} tabIndex={0}>
      <code class="hljs language-typescript" dangerouslySetInnerHTML={{ __html: html }} />
    </pre>
  );
}
