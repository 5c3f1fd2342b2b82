import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  allowScripts?: Record<string, boolean>;
  scarfSettings?: { enabled?: boolean };
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
};

/** `node_modules/@scope/name` (possibly nested) → `@scope/name`. */
const packageName = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('install scripts (npm allowScripts)', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
    .map(([path, entry]) => ({ name: packageName(path), version: entry.version ?? '' }));

  it('declares every locked package that has an install script, allowed ones pinned to the locked version', () => {
    const policy = pkg.allowScripts ?? {};
    for (const { name, version } of withScripts) {
      const decision = policy[`${name}@${version}`] ?? policy[name];
      expect(decision, `${name}@${version} has an install script not covered by allowScripts`).toBeTypeOf(
        'boolean',
      );
      if (decision === true) expect(policy[`${name}@${version}`]).toBe(true);
    }
  });

  it('runs the pinned Node 22 install script, and never the install telemetry', () => {
    const policy = pkg.allowScripts ?? {};
    expect(policy[`node@${lock.packages['node_modules/node']?.version}`]).toBe(true);
    expect(policy['@scarf/scarf']).toBe(false);
    // Until npm enforces allowScripts, scarf's own opt-out keeps it from reporting installs.
    expect(pkg.scarfSettings?.enabled).toBe(false);
  });
});
