/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or only those whose name
 * contains one of the command-line arguments) one after another. Each module's
 * default export measures something against a baseline in the same process and
 * prints its own figures.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<void> };
  console.log(`\n## ${file.replace('.bench.ts', '')}`);
  await mod.default();
}
