import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

interface PackageManifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Finds `node_modules/<name>` the way Node does: from `fromDir` up to `projectRoot`. */
function findPackageDir(name: string, fromDir: string, projectRoot: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === projectRoot || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

/**
 * The installed directories (relative to `projectRoot`) of `names` and of all
 * their runtime dependencies, as already installed in the project. Used to ship
 * packages beside a bundle without running a package manager (synth stays
 * offline). Nested directories are folded into their parent, which copies them.
 */
export function packageClosure(names: readonly string[], projectRoot: string): string[] {
  const found = new Set<string>();
  const visit = (name: string, fromDir: string, optional: boolean): void => {
    const dir = findPackageDir(name, fromDir, projectRoot);
    if (!dir) {
      if (optional) return;
      throw new Error(`Package "${name}" is not installed (needed beside a bundle); run npm install`);
    }
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest;
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of names) visit(name, projectRoot, false);
  const dirs = [...found].map((dir) => relative(projectRoot, dir)).sort();
  return dirs.filter((dir) => !dirs.some((other) => other !== dir && dir.startsWith(other + sep)));
}

const quote = (path: string): string => `'${path.replaceAll("'", "'\\''")}'`;

/** Shell commands copying each package directory from the project into the bundle's output. */
export function copyPackageCommands(dirs: readonly string[], inputDir: string, outputDir: string): string[] {
  return dirs.flatMap((dir) => {
    const target = join(outputDir, dir);
    return [`mkdir -p ${quote(dirname(target))}`, `cp -R ${quote(join(inputDir, dir))} ${quote(target)}`];
  });
}
