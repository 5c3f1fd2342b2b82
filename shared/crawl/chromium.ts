/**
 * Where the crawler's Chromium comes from and how it is launched.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * The Chromium executable: `ASSAY_CHROMIUM_PATH` when it exists, else
 * Debian's `/usr/bin/chromium`, else the binary shipped inside
 * `@sparticuz/chromium` (unpacked to /tmp on first use, ~2 s; the only one on
 * Lambda, x64).
 */
export async function chromiumExecutable(): Promise<string> {
  const fromEnv = process.env.ASSAY_CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  if (process.env.ASSAY_RUNTIME !== 'aws' && existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const sparticuz = (await import('@sparticuz/chromium')).default;
  return sparticuz.executablePath();
}

/** Flags for a quiet headless Chromium that makes no connection of its own (updates, sync, prefetch). */
export const QUIET_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
] as const;

/**
 * Launches headless Chromium. With `isolateNetwork`, Chromium cannot resolve
 * any host name itself (`--host-resolver-rules=MAP * ~NOTFOUND`) and does not
 * preconnect or prefetch, so every byte it fetches must come through the
 * crawler's request interception, where targets are checked.
 */
export async function launchChromium(options: { isolateNetwork?: boolean } = {}): Promise<Browser> {
  const onLambda = process.env.ASSAY_RUNTIME === 'aws';
  const lambdaArgs = onLambda ? (await import('@sparticuz/chromium')).default.args : [];
  const isolation = options.isolateNetwork
    ? [
        '--host-resolver-rules=MAP * ~NOTFOUND',
        '--disable-features=NetworkPrediction,Prefetch',
        '--dns-prefetch-disable',
      ]
    : [];
  return chromium.launch({
    executablePath: await chromiumExecutable(),
    headless: true,
    args: [...new Set([...lambdaArgs, ...QUIET_CHROMIUM_ARGS, ...isolation])],
  });
}
