import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editInEditor } from '../../scripts/cli/agents-command.ts';
import type { ArtifactView } from '../../shared/agents/agent-runs.types.ts';

// `assay agents run` in a terminal offers `edit`: the stage's artifacts open as JSON in $EDITOR and what the
// person saves is sent as the decision `edit`. The editor here is a script that edits the file as a person would.
let dir: string;
const artifact: ArtifactView = {
  id: '0b5f8a5e-3d7c-4c1e-9a51-6a4f0d7e2b10',
  kind: 'requirements',
  name: 'requirements',
  version: 1,
  latestVersion: 1,
  stage: 'analyst',
  source: 'agent',
  content: [{ id: 'R1', title: 'Sign in' }],
  createdAt: '2026-12-08T00:00:00.000Z',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assay-editor-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function editor(name: string, script: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${script}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('editing a stage in $EDITOR', () => {
  it('opens the artifacts as JSON and returns what was saved as { id, content }', async () => {
    const path = await editor('retitle.sh', `sed -i 's/"Sign in"/"Sign in (reviewed)"/' "$1"`);
    expect(await editInEditor([artifact], path)).toEqual([
      { id: artifact.id, content: [{ id: 'R1', title: 'Sign in (reviewed)' }] },
    ]);
  });

  it('refuses a file that no longer parses, or an editor that fails, so the prompt asks again', async () => {
    await expect(editInEditor([artifact], await editor('break.sh', `echo '[{' > "$1"`))).rejects.toThrow(
      /JSON/,
    );
    await expect(editInEditor([artifact], await editor('fail.sh', 'exit 3'))).rejects.toThrow(
      /exited with 3/,
    );
    await expect(
      editInEditor([artifact], await editor('drop.sh', `echo '[{"content": 1}]' > "$1"`)),
    ).rejects.toThrow(/lost its id/);
  });
});
