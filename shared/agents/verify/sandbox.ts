/**
 * The local isolation of the verify runner (issue 25): model-written
 * Playwright files run with Linux namespaces set up by util-linux `unshare`,
 * never with the server's powers.
 *
 * - network, pid, mount, ipc and uts namespaces: the runner sees only its own
 *   processes and a loopback device of its own; the only way out is the guard
 *   proxy, reached through a Unix socket that is forwarded into the namespace
 *   to `127.0.0.1:3128` by {@link LAUNCHER} — browser, `request` fixture and
 *   Node's `net`/`fetch` alike;
 * - an allow-list root (`pivot_root` into a fresh tmpfs): only the system
 *   libraries, the runtime's `node_modules`, the Node binary, the browser, the
 *   fonts, the run's read-only support folder and its writable work folder are
 *   mounted (read-only, `nosuid,nodev`, except the work folder); the host root
 *   is unmounted, so the user's home, the data directory (`dev-secrets.json`)
 *   and other processes' `/proc/<pid>/environ` are simply absent;
 * - a non-root uid (65534) when the server runs as root, every capability
 *   dropped (bounding, inheritable, ambient) and `no_new_privs`, so a mount
 *   cannot be undone and no set-uid binary helps;
 * - an environment with nothing secret in it (built by the caller).
 *
 * Where the isolation is not available (no `unshare`, namespaces refused),
 * {@link detectIsolation} says why and verify answers `ran: false` with that
 * reason — unless `ASSAY_VERIFY_SANDBOX=off`, the explicit opt-out for one's
 * own laptop, which runs the files unisolated (browser traffic still through
 * the guard).
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The port the guard proxy answers on inside the namespace (its own loopback). */
export const SANDBOX_PROXY_PORT = 3128;
/** The unprivileged uid/gid the runner takes when the server runs as root. */
export const SANDBOX_UID = 65534;

/** The environment variable that chooses the verify runner's isolation. */
export const SANDBOX_ENV = 'ASSAY_VERIFY_SANDBOX';

/** How the runner is isolated. */
export type Isolation =
  /** util-linux `unshare` as root (namespaces, pivot_root, uid 65534, no capabilities). */
  | { readonly kind: 'unshare'; readonly userNamespace: false }
  /** util-linux `unshare` with a user namespace (an unprivileged server): the same, as the server's own uid. */
  | { readonly kind: 'unshare'; readonly userNamespace: true }
  /** Not isolated: `ASSAY_VERIFY_SANDBOX=off` (one's own laptop only). */
  | { readonly kind: 'none' };

/** The isolation, or why there is none. */
export type IsolationCheck =
  | { readonly ok: true; readonly isolation: Isolation }
  | { readonly ok: false; readonly reason: string };

const TOOLS = ['unshare', 'setpriv', 'pivot_root', 'mount', 'umount', 'ip'] as const;
const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function which(tool: string): string | null {
  for (const dir of SEARCH_PATH) {
    const candidate = join(dir, tool);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** Absolute paths of the util-linux / iproute2 tools the sandbox uses, or the first one missing. */
function tools():
  | { ok: true; paths: Record<(typeof TOOLS)[number], string> }
  | { ok: false; missing: string } {
  const paths: Partial<Record<(typeof TOOLS)[number], string>> = {};
  for (const tool of TOOLS) {
    const path = which(tool);
    if (!path) return { ok: false, missing: tool };
    paths[tool] = path;
  }
  return { ok: true, paths: paths as Record<(typeof TOOLS)[number], string> };
}

let cached: Promise<IsolationCheck> | undefined;

/**
 * The isolation this machine offers, probed once per process by running a
 * real sandbox (`node -e 0` inside it): `ASSAY_VERIFY_SANDBOX=off` → none;
 * otherwise `unshare` as root, else with a user namespace, else not ok with
 * the reason (a missing tool, or what `unshare` answered).
 */
export function detectIsolation(env: NodeJS.ProcessEnv = process.env): Promise<IsolationCheck> {
  const setting = (env[SANDBOX_ENV] ?? 'auto').trim().toLowerCase();
  if (setting === 'off') return Promise.resolve({ ok: true, isolation: { kind: 'none' } });
  if (setting !== 'auto' && setting !== 'unshare')
    return Promise.resolve({
      ok: false,
      reason: `${SANDBOX_ENV}=${setting} is not one of auto, unshare, off`,
    });
  cached ??= probe();
  return cached;
}

async function probe(): Promise<IsolationCheck> {
  if (process.platform !== 'linux')
    return { ok: false, reason: `no isolation on ${process.platform} (Linux namespaces are needed)` };
  const found = tools();
  if (!found.ok)
    return { ok: false, reason: `no isolation: ${found.missing} is not installed (util-linux, iproute2)` };
  const asRoot = process.getuid?.() === 0;
  const attempts: Isolation[] = asRoot
    ? [
        { kind: 'unshare', userNamespace: false },
        { kind: 'unshare', userNamespace: true },
      ]
    : [{ kind: 'unshare', userNamespace: true }];
  let last = '';
  const { mkdtemp, rm, chmod } = await import('node:fs/promises');
  for (const isolation of attempts) {
    const base = await mkdtemp(join(tmpdir(), 'assay-sandbox-probe-'));
    try {
      await chmod(base, 0o755);
      const command = sandboxCommand(isolation, {
        base,
        binds: [],
        program: [process.execPath, '-e', 'process.exit(0)'],
      });
      await run(command[0]!, command.slice(1), { timeout: 10_000, env: { PATH: SEARCH_PATH.join(':') } });
      return { ok: true, isolation };
    } catch (error) {
      const e = error as { stderr?: string; message?: string };
      last = (e.stderr || e.message || String(error)).trim().split('\n').slice(-2).join(' ');
    } finally {
      await rm(base, { recursive: true, force: true }).catch(() => undefined);
    }
  }
  return { ok: false, reason: `no isolation: unshare failed (${last.slice(0, 300)})` };
}

/** A path mounted into the sandbox at the same path, read-only or writable. */
export interface SandboxBind {
  readonly path: string;
  readonly writable?: boolean;
}

/**
 * The setup run as root inside the new namespaces, before the runner:
 * loopback up, a tmpfs root with the binds, `/dev` with null/zero/(u)random,
 * a fresh `/proc` of the pid namespace, `pivot_root`, the old root unmounted,
 * then `setpriv` to the runner (uid, no capabilities, no_new_privs).
 * Arguments: `$1` new root, `$2` setpriv path, `$3` "uid:gid" or "-", then
 * `ro:/path` / `rw:/path` binds, then `--`, then the program.
 */
const SETUP = `set -eu
R=$1; SETPRIV=$2; IDS=$3; shift 3
MOUNT=$(command -v mount); UMOUNT=$(command -v umount)
ip link set lo up
mount -t tmpfs -o mode=755,nosuid,nodev,size=64m tmpfs "$R"
mkdir -p "$R/proc" "$R/dev" "$R/tmp" "$R/etc" "$R/.oldroot" "$R/.setup"
mount -t tmpfs -o mode=1777,nosuid,nodev,size=512m tmpfs "$R/tmp"
mount -t tmpfs -o mode=755,nosuid tmpfs "$R/dev"
for n in null zero random urandom; do : > "$R/dev/$n"; mount --bind "/dev/$n" "$R/dev/$n"; done
mkdir -p "$R/dev/shm" && mount -t tmpfs -o mode=1777,nosuid,nodev,size=256m tmpfs "$R/dev/shm"
printf 'root:x:0:0::/:/nonexistent\\nnobody:x:65534:65534::/nonexistent:/nonexistent\\n' > "$R/etc/passwd"
printf 'root:x:0:\\nnogroup:x:65534:\\n' > "$R/etc/group"
printf '127.0.0.1 localhost\\n' > "$R/etc/hosts"
: > "$R/.setup/setpriv"; mount --bind "$SETPRIV" "$R/.setup/setpriv"
mount -o remount,bind,ro,nosuid,nodev "$R/.setup/setpriv"
while [ "$1" != "--" ]; do
  mode=\${1%%:*}; src=\${1#*:}; shift
  if [ -d "$src" ]; then mkdir -p "$R$src"; else mkdir -p "$R\${src%/*}"; : > "$R$src"; fi
  mount --bind "$src" "$R$src"
  if [ "$mode" = ro ]; then mount -o remount,bind,ro,nosuid,nodev "$R$src"; else mount -o remount,bind,nosuid,nodev "$R$src"; fi
done
shift
for l in lib lib64 bin sbin; do if [ -L "/$l" ] && [ ! -e "$R/$l" ]; then ln -s "$(readlink "/$l")" "$R/$l"; fi; done
mount -o remount,ro,nosuid,nodev "$R"
cd "$R"
pivot_root . .oldroot
cd /
/.oldroot$MOUNT -t proc -o nosuid,nodev,noexec proc /proc
/.oldroot$UMOUNT -l /.oldroot
if [ "$IDS" = "-" ]; then
  exec /.setup/setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all --no-new-privs -- "$@"
fi
exec /.setup/setpriv --reuid "\${IDS%%:*}" --regid "\${IDS#*:}" --clear-groups --inh-caps=-all --ambient-caps=-all --bounding-set=-all --no-new-privs -- "$@"
`;

/** Host paths the runner needs besides the run's own folders: libraries, Node, the browser, fonts. */
export function systemBinds(options: { chromiumPath?: string; nodeModules?: string } = {}): SandboxBind[] {
  const paths = new Set<string>();
  for (const dir of [
    '/usr/lib',
    '/usr/lib64',
    '/usr/lib32',
    '/usr/libexec',
    '/etc/fonts',
    '/usr/share/fonts',
    '/etc/ssl/certs',
    '/usr/share/ca-certificates',
  ]) {
    if (existsSync(dir)) paths.add(realpathSync(dir));
  }
  paths.add(realpathSync(process.execPath));
  if (options.nodeModules) paths.add(realpathSync(options.nodeModules));
  if (options.chromiumPath) {
    const chromium = realpathSync(options.chromiumPath);
    const dir = dirname(chromium);
    if (dir === realpathSync(tmpdir()) || dir === '/tmp') {
      // @sparticuz/chromium unpacks beside other things in /tmp: only its own files.
      paths.add(chromium);
      for (const extra of ['al2023', 'fonts', 'swiftshader']) {
        const p = join(dir, extra);
        if (existsSync(p)) paths.add(p);
      }
    } else {
      paths.add(dir);
    }
  }
  const sorted = [...paths].sort((a, b) => a.length - b.length);
  const kept = sorted.filter((p, i) => !sorted.slice(0, i).some((q) => p.startsWith(`${q}/`)));
  return kept.map((path) => ({ path }));
}

/**
 * The argv that runs `program` in a fresh sandbox (see the module comment).
 * `base` is an empty directory (0755) used as the mount point of the new
 * root; `binds` are exposed at their own paths. The caller spawns it with a
 * clean environment and `detached: true`; killing the process group ends the
 * whole namespace (`--kill-child`, pid namespace).
 */
export function sandboxCommand(
  isolation: Isolation,
  options: { base: string; binds: readonly SandboxBind[]; program: readonly string[] },
): string[] {
  if (isolation.kind === 'none') return [...options.program];
  const found = tools();
  if (!found.ok) throw new Error(`${found.missing} is not installed`);
  const all = [...systemBinds(), ...options.binds];
  const seen = new Set<string>();
  const binds = all.filter((b) => !seen.has(b.path) && seen.add(b.path));
  const ids = isolation.userNamespace ? '-' : `${SANDBOX_UID}:${SANDBOX_UID}`;
  return [
    found.paths.unshare,
    ...(isolation.userNamespace ? ['--user', '--map-root-user'] : []),
    '--net',
    '--pid',
    '--mount',
    '--ipc',
    '--uts',
    '--fork',
    '--kill-child',
    '--propagation',
    'private',
    '/bin/sh',
    '-c',
    SETUP,
    'assay-sandbox',
    options.base,
    found.paths.setpriv,
    ids,
    ...binds.map((b) => `${b.writable ? 'rw' : 'ro'}:${b.path}`),
    '--',
    ...options.program,
  ];
}

/**
 * The first process inside the namespace (uid 65534, pid 1): forwards
 * `127.0.0.1:<port>` to the guard proxy's Unix socket, then runs the runner
 * in `cwd` and exits with its code. Arguments: socket path, port, cwd, then
 * the runner's arguments (after the Node binary). Written to the read-only support folder.
 */
export const LAUNCHER = `import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
const [socketPath, port, cwd, ...command] = process.argv.slice(2);
const server = createServer((client) => {
  const upstream = connect(socketPath);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.pipe(upstream);
  upstream.pipe(client);
});
server.listen(Number(port), '127.0.0.1', () => {
  const child = spawn(process.execPath, command, { cwd, stdio: 'inherit' });
  child.on('error', () => process.exit(127));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
});
`;

/** Forget the probed isolation (tests that change the environment). */
export function resetIsolationProbe(): void {
  cached = undefined;
}
