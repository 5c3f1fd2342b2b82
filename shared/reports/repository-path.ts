/**
 * Mapping the file paths CI reports carry to the repository-relative paths
 * GitHub annotations need (pure). JUnit `file` attributes and SARIF locations
 * arrive absolute (`/home/runner/work/shop/shop/src/cart.ts`,
 * `D:\a\shop\shop\src\cart.ts`), `./`-prefixed, or as `file://` URIs; SARIF
 * may also give a URI relative to a `uriBaseId` whose absolute root is in
 * `run.originalUriBaseIds`.
 *
 * The checkout root is recognised as GitHub Actions lays it out
 * (`GITHUB_WORKSPACE` = `<work>/<repo>/<repo>`: `/home/runner/work/shop/shop`,
 * `D:\a\shop\shop`, `/Users/runner/work/shop/shop`, container jobs'
 * `/__w/shop/shop`, self-hosted `…/_work/shop/shop`), plus Docker actions'
 * `/github/workspace`. A path that stays absolute or climbs out of the root
 * (`../`) cannot be mapped: the caller reports it in the summary instead.
 *
 * @module
 */

/** `%2F`-style escapes decoded; an invalid escape leaves the text as it was. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A `file:` URI's path (`file:///D:/a/x` → `D:/a/x`, `file://host/share/x` → `/share/x`). */
function fromFileUri(uri: string): string {
  const rest = uri.replace(/^file:/i, '');
  const path = rest.startsWith('//') ? rest.slice(2).replace(/^[^/]*/, '') : rest;
  const decoded = decode(path);
  // `/D:/a/...` → `D:/a/...`
  return /^\/[A-Za-z]:\//.test(decoded) ? decoded.slice(1) : decoded;
}

/** `.` and `..` segments resolved; undefined when `..` climbs above the start. */
function normalise(segments: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The part of an absolute path after its checkout root, or undefined when no root is recognised. */
function afterCheckoutRoot(path: string, repo: string | undefined): string | undefined {
  const patterns = [
    ...(repo ? [new RegExp(`/${escapeRegExp(repo)}/${escapeRegExp(repo)}/`, 'i')] : []),
    /\/github\/workspace\//,
    // GITHUB_WORKSPACE of any repository: a runner work directory, then the repository name twice.
    /\/(?:work|_work|__w|a)\/([^/]+)\/\1\//,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(path);
    if (match) return path.slice(match.index + match[0].length);
  }
  return undefined;
}

/** Options of {@link repositoryPath}. */
export interface RepositoryPathOptions {
  /** The repository's name (`shop` of `acme/shop`): its `<repo>/<repo>/` is the checkout root. */
  repo?: string;
  /** The absolute root a relative path is based on (a SARIF `uriBaseId`'s `originalUriBaseIds` URI). */
  base?: string;
}

/**
 * The repository-relative path of a report's file reference, or undefined
 * when it cannot be mapped (absolute outside a known checkout root, or
 * climbing out of it with `..`).
 *
 * @example repositoryPath('/home/runner/work/shop/shop/src/cart.ts', { repo: 'shop' }) // 'src/cart.ts'
 * @example repositoryPath('D:\\a\\shop\\shop\\src\\cart.ts') // 'src/cart.ts'
 * @example repositoryPath('file:///home/runner/work/shop/shop/src/cart.ts') // 'src/cart.ts'
 * @example repositoryPath('./src/cart.ts') // 'src/cart.ts'
 */
export function repositoryPath(raw: string, options: RepositoryPathOptions = {}): string | undefined {
  let path = raw.trim();
  if (path === '') return undefined;
  if (/^file:/i.test(path)) path = fromFileUri(path);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return undefined;
  path = path.replace(/\\/g, '/');
  if (options.base !== undefined && !path.startsWith('/') && !/^[A-Za-z]:\//.test(path)) {
    const base = repositoryPathBase(options.base);
    if (base !== undefined) path = `${base}/${path}`;
  }
  // A drive letter makes a Windows path absolute: `D:/a/shop/shop/x` → `/a/shop/shop/x`.
  path = path.replace(/^[A-Za-z]:\//, '/');
  const absolute = path.startsWith('/');
  const segments = normalise(path.split('/'));
  if (segments === undefined || segments.length === 0) return undefined;
  if (!absolute) return segments.join('/');
  const inside = afterCheckoutRoot(`/${segments.join('/')}`, options.repo);
  return inside === undefined || inside === '' ? undefined : inside;
}

/** A SARIF base URI as a path without its trailing slash (a `file:` URI, or a path). */
function repositoryPathBase(base: string): string | undefined {
  const path = (/^file:/i.test(base) ? fromFileUri(base) : decode(base))
    .replace(/\\/g, '/')
    .replace(/\/+$/, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return undefined;
  return path;
}
