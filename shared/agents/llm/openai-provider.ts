/**
 * The OpenAI(-compatible) LLM provider: one chat completion per call with a
 * strict `json_schema` response format generated from the request's zod
 * schema, usage from the response's `usage`.
 *
 * @module
 */
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { type LlmProvider, type LlmRequest, LlmUnavailableError, type LlmUsage } from '../agents.types.ts';

/** An {@link LlmUnavailableError} that still carries the tokens the failed call used (refusal, truncation). */
export class LlmFailedCallError extends LlmUnavailableError {
  constructor(
    message: string,
    readonly usage: LlmUsage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The conversation of a request: system, user, then any corrective turns. */
export function messagesOf(request: LlmRequest<unknown>): ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: request.system },
    { role: 'user', content: request.user },
    ...(request.history ?? []).map((turn) => ({ role: turn.role, content: turn.content })),
  ];
}

function describe(error: unknown): string {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return 'the LLM request timed out';
  if (error instanceof OpenAI.APIUserAbortError) return 'the LLM request was aborted';
  if (error instanceof OpenAI.APIConnectionError) return `cannot reach the LLM endpoint: ${error.message}`;
  if (error instanceof OpenAI.APIError)
    return `the LLM endpoint answered HTTP ${error.status ?? '?'}: ${error.message}`;
  return `the LLM call failed: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * A provider over `client` asking `model`. `complete` returns the raw JSON
 * text and the usage the endpoint reported.
 *
 * @throws LlmUnavailableError on a timeout, a connection error, an HTTP error
 *   after the SDK's own retries (429, 5xx), or no choices; {@link LlmFailedCallError}
 *   (an `LlmUnavailableError` with the usage) on a refusal, a content filter or
 *   output cut at `maxOutputTokens` (`finish_reason: 'length'`).
 */
export function openAiProvider(client: OpenAI, model: string): LlmProvider {
  return {
    name: 'openai',
    model,
    async complete(request) {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create(
          {
            model,
            messages: messagesOf(request),
            response_format: zodResponseFormat(request.schema, request.schemaName),
            max_completion_tokens: request.maxOutputTokens,
          },
          request.signal ? { signal: request.signal } : undefined,
        );
      } catch (error) {
        throw new LlmUnavailableError(describe(error), { cause: error });
      }
      const usage: LlmUsage = {
        promptTokens: completion.usage?.prompt_tokens ?? 0,
        completionTokens: completion.usage?.completion_tokens ?? 0,
        totalTokens:
          completion.usage?.total_tokens ??
          (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
      };
      const choice = completion.choices?.[0];
      if (!choice) throw new LlmFailedCallError('the LLM answered without any choice', usage);
      if (choice.message?.refusal)
        throw new LlmFailedCallError(`the model refused: ${choice.message.refusal}`, usage);
      if (choice.finish_reason === 'length')
        throw new LlmFailedCallError(
          `the output was cut at the token limit (${request.maxOutputTokens} tokens)`,
          usage,
        );
      if (choice.finish_reason === 'content_filter')
        throw new LlmFailedCallError('the output was blocked by the content filter', usage);
      return { raw: choice.message?.content ?? '', usage };
    },
  };
}
