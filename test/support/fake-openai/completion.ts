/** OpenAI response shapes built by the double. */

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** A chat completion exactly as the OpenAI API returns it (non-streaming). */
export interface FakeChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string | null; refusal: string | null; annotations: unknown[] };
    logprobs: null;
    finish_reason: string;
  }[];
  usage: FakeUsage & {
    prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
    completion_tokens_details: {
      reasoning_tokens: number;
      audio_tokens: number;
      accepted_prediction_tokens: number;
      rejected_prediction_tokens: number;
    };
  };
  service_tier: 'default';
  system_fingerprint: string;
}

/** Deterministic token estimate: one token per 4 characters, at least 1. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function chatCompletion(args: {
  id: string;
  created: number;
  model: string;
  content: string | null;
  refusal: string | null;
  finishReason: string;
  usage: FakeUsage;
}): FakeChatCompletion {
  return {
    id: args.id,
    object: 'chat.completion',
    created: args.created,
    model: args.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: args.content, refusal: args.refusal, annotations: [] },
        logprobs: null,
        finish_reason: args.finishReason,
      },
    ],
    usage: {
      ...args.usage,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_fake_assay',
  };
}

/** The OpenAI error envelope. */
export function apiError(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}
