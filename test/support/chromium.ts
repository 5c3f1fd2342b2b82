import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Finds a Chromium: ASSAY_CHROMIUM_PATH, Debian's /usr/bin/chromium, then the one inside @sparticuz/chromium. */
export async function chromiumExecutable(): Promise<string> {
  const fromEnv = process.env.ASSAY_CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const sparticuz = (await import('@sparticuz/chromium')).default;
  return sparticuz.executablePath();
}

/** Launches headless Chromium with no background networking (this machine has no network). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumExecutable(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
