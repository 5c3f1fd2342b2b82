import type OpenAI from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { ExtractedItem } from '../extract/index.ts';
import { buildMessages } from './prompt.ts';
import { reconcile } from './reconcile.ts';
import { type RefinementOutput, RefinementOutputSchema, refinementResponseFormat } from './schema.ts';
import {
  DEFAULT_REFINE_LIMITS,
  type RefinedItem,
  type RefineInput,
  type RefineLimits,
  type RefineLogger,
  type RefineResult,
  type RefineUsage,
} from './types.ts';

/** What {@link refineCriteria} needs. */
export interface RefineDeps {
  /** An OpenAI(-compatible) client, e.g. from `createOpenAiClient`. */
  readonly client: OpenAI;
  readonly model: string;
  readonly log?: RefineLogger;
  readonly limits?: RefineLimits;
}

/** Calls made at most: the first, and one retry after an invalid answer. */
const MAX_ATTEMPTS = 2;
const MAX_ERROR_CHARS = 300;

type Parsed = { ok: true; output: RefinementOutput } | { ok: false; error: string };

function short(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}

/** Reads the structured answer out of a completion; any deviation is an error, never an exception. */
export function parseCompletion(completion: ChatCompletion): Parsed {
  const choice = completion.choices?.[0];
  if (!choice) return { ok: false, error: 'no choices in the response' };
  const { message } = choice;
  if (message?.refusal) return { ok: false, error: `refusal: ${message.refusal}` };
  if (choice.finish_reason === 'length') return { ok: false, error: 'output cut at the token limit' };
  if (choice.finish_reason === 'content_filter')
    return { ok: false, error: 'output blocked by the content filter' };
  const content = message?.content;
  if (typeof content !== 'string' || content.trim() === '') return { ok: false, error: 'empty content' };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { ok: false, error: 'content is not JSON' };
  }
  const result = RefinementOutputSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    return { ok: false, error: `schema violation at ${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, output: result.data };
}

function describeApiError(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { status?: unknown }).status;
    return typeof status === 'number'
      ? `API error ${status}: ${error.message}`
      : `API error (${error.name}): ${error.message}`;
  }
  return `API error: ${String(error)}`;
}

function copyItems(items: readonly ExtractedItem[]): RefinedItem[] {
  return items.map((item) =>
    item.checked === undefined
      ? { text: item.text, source: item.source }
      : { text: item.text, source: item.source, checked: item.checked },
  );
}

/**
 * The optional LLM pass of SPEC §2: one structured chat completion that may
 * split, merge, reword for clarity or add items, then {@link reconcile} so
 * that no author-written item is ever lost. An invalid answer (not JSON,
 * schema violation, refusal, empty) is retried once; an API error (timeout,
 * 429, 5xx — after the SDK's own retry) or a second invalid answer returns the
 * extracted list unchanged with `usedLlm: false` and the reason. Never throws.
 */
export async function refineCriteria(input: RefineInput, deps: RefineDeps): Promise<RefineResult> {
  const limits = { ...DEFAULT_REFINE_LIMITS, ...deps.limits };
  const usage: RefineUsage = { promptTokens: 0, completionTokens: 0 };
  let attempts = 0;
  const fallback = (error: string): RefineResult => {
    deps.log?.warn('Checklist refinement not used; keeping the extracted items', { error, attempts });
    return { items: copyItems(input.extracted), usedLlm: false, attempts, error: short(error), usage };
  };

  if (!input.title?.trim() && !input.body?.trim() && input.extracted.length === 0) {
    return { items: [], usedLlm: false, attempts: 0, usage };
  }

  const messages = buildMessages(input, limits.maxBodyChars);
  let lastError = 'no attempt made';
  while (attempts < MAX_ATTEMPTS) {
    attempts += 1;
    let completion: ChatCompletion;
    try {
      completion = await deps.client.chat.completions.create({
        model: deps.model,
        messages,
        response_format: refinementResponseFormat,
      });
    } catch (error) {
      return fallback(describeApiError(error));
    }
    usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
    usage.completionTokens += completion.usage?.completion_tokens ?? 0;

    const parsed = parseCompletion(completion);
    const result = parsed.ok ? reconcile(parsed.output, input.extracted, limits) : parsed;
    if (result.ok) {
      deps.log?.debug?.('Checklist refined', { attempts, items: result.items.length, ...result.stats });
      return { items: result.items, usedLlm: true, attempts, usage };
    }
    lastError = result.error;
    deps.log?.warn('Invalid checklist refinement output', { attempt: attempts, error: short(lastError) });
  }
  return fallback(`invalid output after ${attempts} attempts: ${lastError}`);
}
