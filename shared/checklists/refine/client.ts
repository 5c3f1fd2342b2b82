import OpenAI from 'openai';
import { getAppSecret, optionalOpenAiKey } from '../../adapters/app-secrets.ts';
import { type Config, getConfig } from '../../config.ts';

/** Request timeout of the refinement call. */
export const OPENAI_TIMEOUT_MS = 20_000;
/** HTTP retries done by the SDK itself (connection errors, 408, 409, 429, 5xx). */
export const OPENAI_MAX_RETRIES = 1;
const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** Sent when only a base URL is configured (local OpenAI-compatible servers often need no key). */
const NO_KEY = 'no-key';

/** A client and the model to ask. */
export interface OpenAiSetup {
  readonly client: OpenAI;
  readonly model: string;
}

export interface OpenAiClientDeps {
  /** Reads the `openai` application secret on AWS (default {@link getAppSecret}). */
  readonly readSecret?: (name: 'openai') => Promise<string>;
  /** Overrides for tests. */
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
}

/**
 * The OpenAI(-compatible) client for checklist refinement, from
 * `ASSAY_OPENAI_BASE_URL`, `ASSAY_OPENAI_API_KEY` (on AWS: the `openai`
 * application secret) and `ASSAY_OPENAI_MODEL`. Undefined when neither a key
 * nor a base URL is configured: refinement is then skipped. A failure to read
 * the secret other than "not configured" is thrown (the message is retried).
 */
export async function createOpenAiClient(
  config: Config = getConfig(),
  deps: OpenAiClientDeps = {},
): Promise<OpenAiSetup | undefined> {
  const key = await optionalOpenAiKey(config, deps.readSecret ?? getAppSecret);
  const baseURL = config.ASSAY_OPENAI_BASE_URL;
  if (!key && !baseURL) return undefined;
  const client = new OpenAI({
    apiKey: key || NO_KEY,
    baseURL: baseURL ?? DEFAULT_BASE_URL,
    organization: null,
    project: null,
    timeout: deps.timeoutMs ?? OPENAI_TIMEOUT_MS,
    maxRetries: deps.maxRetries ?? OPENAI_MAX_RETRIES,
  });
  return { client, model: config.ASSAY_OPENAI_MODEL };
}
