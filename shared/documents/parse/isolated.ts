/**
 * Parsing isolated from the request path (issue 27): each document is parsed
 * and chunked in a process of its own — not a worker thread, whose
 * out-of-memory still aborts the whole process — so a hostile file can
 * neither stall the API's event loop nor take the runtime down. The parent
 * watches the child from outside: its resident memory (RSS, which counts
 * the typed arrays V8's heap limit does not) every {@link RSS_POLL_MS} ms and
 * its running time; past either limit it is killed and the document fails
 * as `too_large` with a message naming the limit. The child runs at a lower
 * CPU priority, with V8's heap capped at the same ceiling, and without the
 * parent's environment (no credentials). The same code runs locally and on
 * Lambda, where the one function invocation survives its child.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DocumentFailure, type DocumentKind, failureReasonSchema } from '../document-types.ts';
import { PARSER_CHILD_FLAG } from './child.ts';
import type { ExtractedDocument, Extractor } from './extract.ts';
import type { ParseLimits } from './index.ts';

/** How often the child's RSS is read. */
export const RSS_POLL_MS = 50;

/** The limits of one isolated parse. */
export interface IsolationLimits {
  /** Resident memory the child may reach, in MB. */
  memoryMb: number;
  /** Time the child may take, in milliseconds. */
  timeoutMs: number;
  /**
   * Start the next parser process as soon as one is taken, so the next
   * document does not wait for Node to load the parsers (default true). A
   * process serves one document only: nothing of one document outlives it.
   */
  prewarm?: boolean;
}

const replySchema = z.union([
  z.object({
    ok: z.literal(true),
    result: z.object({
      chunks: z.array(
        z.object({
          ordinal: z.number().int(),
          headingPath: z.array(z.string()),
          text: z.string(),
          tokenCount: z.number().int(),
          page: z.number().int().optional(),
        }),
      ),
      pageCount: z.number().int().optional(),
      title: z.string().optional(),
      warnings: z.array(z.string()).optional(),
    }),
  }),
  z.object({ ok: z.literal(false), reason: failureReasonSchema, message: z.string() }),
]);

/** Where the parser is built when Assay runs from source (inside the repository, so its packages resolve). */
const SOURCE_BUILD = 'node_modules/.cache/assay-document-parser';
let sourceBuild: Promise<string> | undefined;

/**
 * From source (tsx, vitest) the parser is `child.ts` bundled once per
 * process with esbuild (packages left in node_modules), so each parser
 * process starts as plain JavaScript instead of compiling TypeScript on
 * every start. Built, this module is the bundle itself (Lambda).
 */
async function childArgs(): Promise<string[]> {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return [fileURLToPath(self)];
  sourceBuild ??= (async () => {
    const root = fileURLToPath(new URL('../../../', self));
    // One file per process: another process may be writing its own build at the same time.
    const outfile = join(root, SOURCE_BUILD, `child-${process.pid}.mjs`);
    // Not a literal: a Lambda bundle must not pull the bundler in.
    const bundler = 'esbuild';
    const { build } = (await import(bundler)) as typeof import('esbuild');
    await build({
      entryPoints: [fileURLToPath(new URL('./child.ts', self))],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      packages: 'external',
      logLevel: 'error',
    });
    return outfile;
  })();
  sourceBuild.catch(() => {
    sourceBuild = undefined;
  });
  return [await sourceBuild];
}

/** The child's environment: the flag and what Node needs, nothing of the parent's secrets. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { [PARSER_CHILD_FLAG]: '1' };
  for (const name of ['PATH', 'TZ', 'LANG', 'LC_ALL', 'TMPDIR', 'HOME', 'NODE_ENV'])
    if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

/** A parser process started ahead of need (it has loaded its code and waits for its document). */
let warm: { child: ChildProcess; memoryMb: number } | undefined;

function startChild(memoryMb: number, args: string[]): ChildProcess {
  const child = spawn(process.execPath, [`--max-old-space-size=${memoryMb}`, ...args], {
    stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
    env: childEnv(),
    serialization: 'advanced',
  });
  child.on('error', () => {
    // Reported to the caller through 'close' (a warm child nobody took is just dropped).
  });
  if (child.pid !== undefined) {
    try {
      setPriority(child.pid, 10);
    } catch {
      // Not allowed here: the child runs at the parent's priority.
    }
  }
  return child;
}

/** Lets the parent exit while `child` waits (it exits itself when the parent's channel closes). */
function detachIdle(child: ChildProcess, idle: boolean): void {
  const handles = [child, child.channel, child.stdin, child.stderr] as (
    | {
        ref?: () => void;
        unref?: () => void;
      }
    | null
    | undefined
  )[];
  for (const handle of handles) (idle ? handle?.unref : handle?.ref)?.call(handle);
}

/** A started parser: the warm one when it is still alive, else a new one; then warms the next. */
async function takeChild(memoryMb: number, prewarm: boolean): Promise<ChildProcess> {
  const args = await childArgs();
  let child: ChildProcess | undefined;
  if (warm && warm.memoryMb === memoryMb && warm.child.exitCode === null && warm.child.signalCode === null) {
    child = warm.child;
    detachIdle(child, false);
  } else if (warm) warm.child.kill('SIGKILL');
  warm = undefined;
  child ??= startChild(memoryMb, args);
  if (prewarm) {
    const next = startChild(memoryMb, args);
    detachIdle(next, true);
    warm = { child: next, memoryMb };
  }
  return child;
}

/** Resident memory of `pid` in bytes (Linux: /proc; undefined once it is gone). */
async function rssOf(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * An {@link Extractor} that parses in a separate process within `isolation`.
 * Problems of the document (including the limits) reject with
 * `DocumentFailure`; a failure to read the source rejects with its error.
 */
export function isolatedExtractor(isolation: IsolationLimits): Extractor {
  return (kind, open, limits) => extractIsolated(kind, open, limits, isolation);
}

async function extractIsolated(
  kind: DocumentKind,
  open: () => Promise<Readable>,
  limits: ParseLimits,
  isolation: IsolationLimits,
): Promise<ExtractedDocument> {
  const source = await open();
  const child = await takeChild(isolation.memoryMb, isolation.prewarm ?? true);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  let sourceError: unknown;
  source.on('error', (error) => {
    sourceError ??= error;
    child.stdin?.destroy();
  });
  child.stdin?.on('error', () => {
    // The child stopped reading (a cap was reached, or it was killed): the rest is not needed.
    source.destroy();
  });
  source.pipe(child.stdin as NodeJS.WritableStream);

  let killedFor: 'memory' | 'time' | undefined;
  let peak = 0;
  const poll = setInterval(() => {
    if (child.pid === undefined) return;
    void rssOf(child.pid).then((rss) => {
      if (rss === undefined) return;
      peak = Math.max(peak, rss);
      if (rss > isolation.memoryMb * 1024 * 1024 && !killedFor) {
        killedFor = 'memory';
        kill(child);
      }
    });
  }, RSS_POLL_MS);
  const timer = setTimeout(() => {
    killedFor ??= 'time';
    kill(child);
  }, isolation.timeoutMs);

  let reply: unknown;
  child.on('message', (message) => {
    reply = message;
  });
  child.send({ kind, limits }, (error) => {
    if (error) kill(child);
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('close', (code, signal) => resolve({ code, signal }));
    },
  );
  clearInterval(poll);
  clearTimeout(timer);
  source.destroy();
  if (sourceError) throw sourceError;
  if (exit.error) throw exit.error; // the parser could not be started: retry later
  if (killedFor === 'memory') {
    throw new DocumentFailure(
      'too_large',
      `Reading the document needed more than ${isolation.memoryMb} MB of memory (ASSAY_DOCUMENT_PARSE_MEMORY_MB); it was stopped. Split it into smaller documents or simplify it`,
    );
  }
  if (killedFor === 'time') {
    throw new DocumentFailure(
      'too_large',
      `Reading the document took longer than ${isolation.timeoutMs / 1000} s (ASSAY_DOCUMENT_PARSE_TIMEOUT_SECONDS); it was stopped. Split it into smaller documents or simplify it`,
    );
  }
  const parsed = replySchema.safeParse(reply);
  if (parsed.success) {
    if (parsed.data.ok) return parsed.data.result;
    throw new DocumentFailure(parsed.data.reason, parsed.data.message);
  }
  if (/heap out of memory|invalid size error|Allocation failed/i.test(stderr) || exit.signal === 'SIGABRT') {
    throw new DocumentFailure(
      'too_large',
      `Reading the document ran out of memory (limit ${isolation.memoryMb} MB, ASSAY_DOCUMENT_PARSE_MEMORY_MB); split it into smaller documents or simplify it`,
    );
  }
  throw new DocumentFailure(
    'corrupt',
    `The parser stopped while reading the document (exit ${exit.code ?? exit.signal}); the file is probably damaged`,
  );
}
