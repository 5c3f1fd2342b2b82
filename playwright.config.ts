import { defineConfig } from '@playwright/test';

/**
 * The console's browser tests (`test/browser/*.spec.ts`): real Chromium (the
 * one inside @sparticuz/chromium, launched by the tests' fixture) against one
 * local runtime started with `npm start`. Run by `npm test` after vitest.
 */
export default defineConfig({
  testDir: 'test/browser',
  testMatch: '*.spec.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? 'line' : 'list',
  use: { trace: 'off', screenshot: 'off', video: 'off' },
});
