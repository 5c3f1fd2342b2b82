import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { describeError } from '../api/client.ts';

/** An error as people read it: what happened, the API's words, what to do next. */
export function ErrorPanel({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, message, next } = describeError(error);
  return (
    <div class="panel error" role="alert">
      <h2>{title}</h2>
      <p>{message}</p>
      <p class="next">{next}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="loading" aria-busy="true">
      {label}
    </p>
  );
}

/** An empty state that says what to do next, with the command to copy. */
export function Empty({ children, command }: { children: ComponentChildren; command?: string }) {
  return (
    <div class="panel empty">
      <p>{children}</p>
      {command && <CopyCommand command={command} />}
    </div>
  );
}

export function CopyCommand({ command }: { command: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="command">
      <code>{command}</code>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(command).then(() => setCopied(true));
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/** A status word exactly as the API says it, coloured by kind; unknown words shown verbatim. */
export function Status({ value }: { value: string | null | undefined }) {
  const word = value ?? 'none';
  const tone =
    /^(passed|success|succeeded|ready|approved|edited|completed|verified|proving|ok|active|processed)$/.test(
      word,
    )
      ? 'good'
      : /^(failed|failure|errored|rejected|timed_out|budget_exceeded|invalid|vacuous|expired|cancelled)$/.test(
            word,
          )
        ? 'bad'
        : /^(running|in_progress|queued|pending|awaiting_approval|processing|uploading|parsing|embedding)$/.test(
              word,
            )
          ? 'busy'
          : 'neutral';
  return <span class={`status ${tone}`}>{word}</span>;
}

export function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  return (
    <div class="progress">
      <progress value={value} max={max} aria-label={label} />
      <span>
        {label}: {max > 0 ? Math.round((value / max) * 100) : 0}%
      </span>
    </div>
  );
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span>—</span>;
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={date.toISOString()}>
      {date.toLocaleString()}
    </time>
  );
}

export function PageTitle({ children, sub }: { children: ComponentChildren; sub?: ComponentChildren }) {
  return (
    <header class="page-title">
      <h1>{children}</h1>
      {sub && <p class="sub">{sub}</p>}
    </header>
  );
}
