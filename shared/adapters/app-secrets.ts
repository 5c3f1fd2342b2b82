import { type Config, getConfig } from '../config.ts';
import { DomainError } from '../errors.ts';
import { readSecretString } from './secrets.ts';

/** The application secrets, each a Secrets Manager secret on AWS. */
export type AppSecretName = 'webhook' | 'github-app' | 'session' | 'openai';

const awsVariable: Record<AppSecretName, string> = {
  webhook: 'ASSAY_SECRET_ARN_WEBHOOK',
  'github-app': 'ASSAY_SECRET_ARN_GITHUB_APP',
  session: 'ASSAY_SECRET_ARN_SESSION',
  openai: 'ASSAY_SECRET_ARN_OPENAI',
};

/** Value the CDK stack puts in a secret until the operator sets it. */
export const PLACEHOLDER = 'unset';

function localValue(name: AppSecretName): string | undefined {
  const config = getConfig();
  switch (name) {
    case 'webhook':
      return config.ASSAY_GITHUB_WEBHOOK_SECRET;
    case 'github-app':
      return config.ASSAY_GITHUB_PRIVATE_KEY;
    case 'session':
      return config.ASSAY_SESSION_KEY;
    case 'openai':
      return config.ASSAY_OPENAI_API_KEY;
  }
}

/**
 * Reads an application secret: from Secrets Manager on AWS (ARN in
 * `ASSAY_SECRET_ARN_*`, cached by Powertools), from the environment elsewhere.
 * A secret that is not configured is a 503-class `not_configured` error.
 */
export async function getAppSecret(name: AppSecretName): Promise<string> {
  const config = getConfig();
  if (config.ASSAY_RUNTIME === 'aws') {
    const arn = process.env[awsVariable[name]];
    if (!arn)
      throw new DomainError('not_configured', `Secret ${name} is not configured (${awsVariable[name]})`);
    const value = await readSecretString(arn);
    // The stack creates secrets the operator fills later with this placeholder.
    if (value.trim() === '' || value === PLACEHOLDER) {
      throw new DomainError('not_configured', `Secret ${name} has not been set yet`);
    }
    return value;
  }
  const value = localValue(name);
  if (!value) throw new DomainError('not_configured', `Secret ${name} is not configured`);
  return value;
}

/**
 * The OpenAI API key, if one is configured: `ASSAY_OPENAI_API_KEY` locally,
 * the `openai` secret on AWS (undefined while it holds the placeholder). A
 * failure to read the secret other than "not configured" is thrown.
 */
export async function optionalOpenAiKey(
  config: Config,
  readSecret: (name: 'openai') => Promise<string> = getAppSecret,
): Promise<string | undefined> {
  if (config.ASSAY_RUNTIME !== 'aws') return config.ASSAY_OPENAI_API_KEY;
  try {
    return await readSecret('openai');
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_configured') return undefined;
    throw error;
  }
}
