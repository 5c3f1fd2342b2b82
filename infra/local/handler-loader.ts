import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const cache = new Map<string, Promise<unknown>>();

/**
 * Imports the `handler` export of a topology entry's module once (as a cold
 * start does) and returns it. Paths are relative to the repository root.
 */
export async function loadHandler<T>(root: string, modulePath: string): Promise<T> {
  const file = isAbsolute(modulePath) ? modulePath : join(root, modulePath);
  let loading = cache.get(file);
  if (!loading) {
    loading = import(pathToFileURL(file).href).then((mod: { handler?: unknown }) => {
      if (typeof mod.handler !== 'function')
        throw new Error(`${modulePath} does not export a handler function`);
      return mod.handler;
    });
    loading.catch(() => cache.delete(file));
    cache.set(file, loading);
  }
  return (await loading) as T;
}
