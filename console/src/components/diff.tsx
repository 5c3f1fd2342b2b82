import { diffLines } from 'diff';

/** A line diff of `before` → `after` (removed lines red, added green), for people to check an edit before sending. */
export function DiffView({ before, after, label }: { before: string; after: string; label: string }) {
  const parts = diffLines(before, after);
  const changed = parts.some((p) => p.added || p.removed);
  return (
    <figure class="diff">
      <figcaption>{label}</figcaption>
      {!changed ? (
        <p>No change.</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
        // biome-ignore lint/a11y/useSemanticElements: a <pre> keeps the code's whitespace; the region role names the scrollable block
        <pre role="region" aria-label={label} tabIndex={0}>
          {parts.map((part, i) => {
            const sign = part.added ? '+' : part.removed ? '-' : ' ';
            const lines = part.value.replace(/\n$/, '').split('\n');
            const kind = part.added ? 'ins' : part.removed ? 'del' : 'same';
            return (
              <span key={i} class={kind}>
                {lines.map((line) => `${sign} ${line}\n`).join('')}
              </span>
            );
          })}
        </pre>
      )}
    </figure>
  );
}
