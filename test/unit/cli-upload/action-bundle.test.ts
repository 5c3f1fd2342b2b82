import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { actionBundlePath, buildActionBundle } from '../../../scripts/build-action.ts';
import { actionArgs, booleanInput } from '../../../scripts/cli/upload/action.ts';
import { UploadError } from '../../../scripts/cli/upload/errors.ts';

const actionDir = join(import.meta.dirname, '../../../.github/actions/upload');
const action = parseYaml(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; main: string };
};

describe('the GitHub Action’s committed bundle', () => {
  it('is exactly what `npm run build:action` builds from the current sources', async () => {
    expect(join(actionDir, action.runs.main)).toBe(actionBundlePath);
    const committed = readFileSync(actionBundlePath, 'utf8');
    // On failure: run `npm run build:action` and commit .github/actions/upload/dist/index.mjs.
    expect(committed === (await buildActionBundle())).toBe(true);
  });

  it('needs no package at run time: every import is a Node built-in', () => {
    const bundle = readFileSync(actionBundlePath, 'utf8');
    const imported = [...bundle.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1] ?? '');
    const required = [...bundle.matchAll(/(?<![\w$])(?:__)?require\("([^"]+)"\)/g)].map((m) => m[1] ?? '');
    expect(imported.length).toBeGreaterThan(0);
    const builtin = (name: string) => builtinModules.includes(name.replace(/^node:/, ''));
    expect(imported.filter((name) => !builtin(name))).toEqual([]);
    // fdir's optional `require("picomatch")` sits in a try/catch (tinyglobby brings its own matcher).
    expect(required.filter((name) => !builtin(name))).toEqual(['picomatch']);
  });
});

describe('the Action’s inputs become `assay upload` arguments', () => {
  const env = (inputs: Record<string, string>) =>
    Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

  it('maps every input action.yml declares', () => {
    const all = {
      url: 'https://assay.example.com',
      junit: 'a/*.xml\nb/*.xml',
      'code-health': 'code_health.json',
      ctrf: 'ctrf/*.json',
      token: 'assay_upl_x',
      'fail-on-missing': 'true',
      force: 'True',
    };
    expect(Object.keys(action.inputs).sort()).toEqual(Object.keys(all).sort());
    expect(actionArgs(env(all))).toEqual([
      '--url',
      'https://assay.example.com',
      '--junit',
      'a/*.xml\nb/*.xml',
      '--code-health',
      'code_health.json',
      '--ctrf',
      'ctrf/*.json',
      '--token',
      'assay_upl_x',
      '--fail-on-missing',
      '--force',
    ]);
  });

  it('leaves out empty inputs and false booleans (the defaults GitHub passes)', () => {
    const defaults = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? '']));
    expect(actionArgs(env({ ...defaults, url: 'https://a.example', junit: 'x.xml' }))).toEqual([
      '--url',
      'https://a.example',
      '--junit',
      'x.xml',
    ]);
  });

  it('refuses a boolean that is not true or false, as @actions/core does', () => {
    expect(() => booleanInput(env({ force: 'yes' }), 'force')).toThrow(UploadError);
    expect(booleanInput(env({ force: 'FALSE' }), 'force')).toBe(false);
  });
});
