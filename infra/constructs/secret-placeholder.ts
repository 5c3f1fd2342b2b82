/**
 * The value an operator-supplied secret (GitHub App key, OpenAI key) holds
 * until someone puts the real one. Code reading secrets treats it as "not set"
 * (for OpenAI that means the offline provider). Kept free of aws-cdk-lib so
 * runtime code may import it.
 */
export const SECRET_PLACEHOLDER = 'unset';
