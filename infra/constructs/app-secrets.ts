import { SecretValue } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';
import { SECRET_PLACEHOLDER } from './secret-placeholder.ts';
import { APP_SECRET_NAMES, type AppSecretName } from './uses.ts';

interface SecretSpec {
  readonly description: string;
  /** Generated at first deploy, or left as {@link SECRET_PLACEHOLDER} for the operator to put. */
  readonly generated: boolean;
  readonly rotation: string;
}

const SPECS: Record<AppSecretName, SecretSpec> = {
  'github-app': {
    description: 'Assay: the GitHub App private key (PEM). Put it after creating the App.',
    generated: false,
    rotation: 'Issued by GitHub: rotate by generating a new key in the App settings and putting it here.',
  },
  webhook: {
    description: 'Assay: the GitHub webhook secret. Generated; copy it into the GitHub App webhook settings.',
    generated: true,
    rotation:
      'Must change in GitHub and here at the same moment or deliveries fail; rotated by hand, not on a schedule.',
  },
  session: {
    description: 'Assay: the key that signs dashboard session tokens. Generated; never leaves AWS.',
    generated: true,
    rotation: 'Rotating signs everyone out; do it by hand (put a new value) when needed, not on a schedule.',
  },
  openai: {
    description: `Assay: the OpenAI-compatible API key. "${SECRET_PLACEHOLDER}" means the offline provider is used.`,
    generated: false,
    rotation: 'Issued by the LLM provider: rotate there and put the new key here.',
  },
};

/**
 * The four application secrets in Secrets Manager. Handlers get each ARN in
 * `ASSAY_SECRET_ARN_*` (from their `secret:*` uses) and read it at cold start.
 */
export class AppSecrets extends Construct {
  private readonly secrets = new Map<AppSecretName, secretsmanager.Secret>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    for (const name of APP_SECRET_NAMES) {
      const spec = SPECS[name];
      const secret = new secretsmanager.Secret(this, name, {
        description: spec.description,
        ...(spec.generated
          ? { generateSecretString: { passwordLength: 64, excludePunctuation: true } }
          : { secretStringValue: SecretValue.unsafePlainText(SECRET_PLACEHOLDER) }),
      });
      acknowledge(secret, { 'AwsSolutions-SMG4': spec.rotation });
      this.secrets.set(name, secret);
    }
  }

  /** The secret behind `secret:<name>`. */
  get(name: AppSecretName): secretsmanager.ISecret {
    const secret = this.secrets.get(name);
    if (!secret) throw new Error(`No secret ${name}`);
    return secret;
  }

  /** Every secret with its use name. */
  entries(): [AppSecretName, secretsmanager.ISecret][] {
    return [...this.secrets.entries()];
  }
}
