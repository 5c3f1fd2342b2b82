import { createRequire } from 'node:module';

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

/** Every api.github.com example payload of `@octokit/webhooks-examples`, with its event name. */
export function webhookExamples(): { event: string; payload: Record<string, unknown> }[] {
  const groups = createRequire(import.meta.url)(
    '@octokit/webhooks-examples/api.github.com/index.json',
  ) as ExampleGroup[];
  return groups.flatMap((group) => group.examples.map((payload) => ({ event: group.name, payload })));
}
