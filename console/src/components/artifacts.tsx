import { Code } from './highlight.tsx';

/** Narrowing helpers: artifact content is typed `unknown` by the API (validated there per kind). */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const str = (v: unknown) =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Requirements as a document: each with its acceptance criteria (TIDs kept). */
function Requirements({ content }: { content: unknown }) {
  return (
    <div class="doc">
      {list(content).map((r, i) =>
        isRecord(r) ? (
          <section key={str(r.id) || i} class="requirement">
            <h4>
              {str(r.id)} {str(r.title)}
            </h4>
            {str(r.description) && <p class="pre-line">{str(r.description)}</p>}
            <p>Acceptance criteria:</p>
            <ul>
              {list(r.acceptanceCriteria).map((c, j) =>
                isRecord(c) ? (
                  <li key={j}>
                    {c.tid ? <code>{str(c.tid)}</code> : <span class="tag">proposed</span>} {str(c.text)}
                  </li>
                ) : null,
              )}
            </ul>
          </section>
        ) : null,
      )}
    </div>
  );
}

/** Test cases as a document: preconditions, then steps with what to expect. */
function TestCases({ content }: { content: unknown }) {
  return (
    <div class="doc">
      {list(content).map((t, i) =>
        isRecord(t) ? (
          <section key={i} class="test-case">
            <h4>
              {t.tid ? <code>{str(t.tid)}</code> : <span class="tag">proposed</span>} {str(t.title)}
            </h4>
            <p>
              {str(t.requirementId)} · {str(t.type)} · priority {str(t.priority)}
            </p>
            {list(t.preconditions).length > 0 && (
              <>
                <p>Preconditions:</p>
                <ul>
                  {list(t.preconditions).map((p, j) => (
                    <li key={j}>{str(p)}</li>
                  ))}
                </ul>
              </>
            )}
            <ol>
              {list(t.steps).map((s, j) =>
                isRecord(s) ? (
                  <li key={j}>
                    {str(s.action)}
                    {str(s.expected) && <span class="expected"> → {str(s.expected)}</span>}
                  </li>
                ) : null,
              )}
            </ol>
          </section>
        ) : null,
      )}
    </div>
  );
}

/** An artifact's content rendered for people, by kind; an unknown kind is shown as its JSON. */
export function ArtifactView({ kind, name, content }: { kind: string; name: string; content: unknown }) {
  if (kind === 'requirements') return <Requirements content={content} />;
  if (kind === 'test-cases') return <TestCases content={content} />;
  if (kind === 'playwright-test' && isRecord(content))
    return (
      <div>
        <p>
          <code>{str(content.path)}</code> — {list(content.tids).map(str).join(', ')}
        </p>
        <Code code={str(content.content)} label={`Playwright test ${name}`} />
      </div>
    );
  if (typeof content === 'string') return <pre class="pre-line">{content}</pre>;
  return <pre>{JSON.stringify(content, null, 2)}</pre>;
}

/** The text a person edits for an artifact: the code of a Playwright file, else the JSON. */
export function editableText(kind: string, content: unknown): string {
  if (kind === 'playwright-test' && isRecord(content)) return str(content.content);
  return JSON.stringify(content, null, 2);
}

/** The edited text back as the artifact's content; throws a readable error for JSON that does not parse. */
export function contentFromText(kind: string, original: unknown, text: string): unknown {
  if (kind === 'playwright-test' && isRecord(original)) return { ...original, content: text };
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`The edit is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
