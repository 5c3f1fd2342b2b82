import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
  collectConsoleErrors,
  expect,
  screenshot,
  seriousViolations,
  signInWithGitHub,
  test,
} from './fixtures.ts';

// One runtime (npm start) for the file; the tests build on each other in order: the App is installed on
// `acme` by alice (its owner), an issue with two criteria and a pull request closing it exist.
test.describe.configure({ mode: 'serial' });

const ORG = 'acme';
const REPO = 'acme/shop';
const OWNER = 'alice';
const HEAD = randomBytes(20).toString('hex');
const SIGNED_OUT = /status of 401/;
let issueNumber = 0;
let pullNumber = 0;

async function signedIn(page: Page, url: string, path: string): Promise<void> {
  await page.goto(`${url}${path}`);
  await signInWithGitHub(page, OWNER);
  await expect(page).toHaveURL(`${url}${path}`);
}

test.beforeAll(async ({ assay }) => {
  await assay.cli(['dev', 'install', '--org', ORG, '--repo', 'shop', '--sender', OWNER]);
  const issue = await assay.cli([
    'dev',
    'issue',
    '--repo',
    REPO,
    '--title',
    'Sign in with email and password',
    '--body',
    '## Acceptance criteria\n- A customer can sign in with their email address and password\n- Signing in with an empty email address is rejected\n',
    '--json',
  ]);
  issueNumber = JSON.parse(issue).number;
  const pull = await assay.cli([
    'dev',
    'pull',
    '--repo',
    REPO,
    '--head-sha',
    HEAD,
    '--title',
    'Email sign-in',
    '--body',
    `Closes #${issueNumber}`,
    '--json',
  ]);
  pullNumber = JSON.parse(pull).number;
});

test('sign-in: a deep link signed out goes through "Sign in with GitHub" and back to the page', async ({
  browser,
  assay,
}) => {
  const page = await browser.newPage();
  const log = collectConsoleErrors(page);
  log.allow(SIGNED_OUT);
  await page.goto(`${assay.url}/repos/${REPO}/issues/${issueNumber}`);
  await expect(page.getByRole('link', { name: 'Sign in with GitHub' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await signInWithGitHub(page, OWNER);
  await expect(page).toHaveURL(`${assay.url}/repos/${REPO}/issues/${issueNumber}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Sign in with email and password');
  const rows = page.getByRole('row');
  await expect(rows.filter({ hasText: 'T1' })).toContainText('A customer can sign in');
  await expect(rows.filter({ hasText: 'T2' })).toContainText('missing');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'issue');
  // The installing user is the organisation's owner.
  await page.goto(`${assay.url}/orgs/${ORG}/settings`);
  await expect(page.getByRole('combobox', { name: `Role of ${OWNER}` })).toHaveValue('owner');
  expect(await seriousViolations(page)).toEqual([]);
  expect(log.errors).toEqual([]);
  await page.close();
});

test("the pull request page updates live when a report is processed, and the check's details link opens cold", async ({
  browser,
  assay,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = collectConsoleErrors(page);
  log.allow(SIGNED_OUT);
  await signedIn(page, assay.url, `/repos/${REPO}/pulls/${pullNumber}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Pull request #${pullNumber}`);
  await expect(page.getByText('No report was received for this commit')).toBeVisible();

  // CI uploads a JUnit report with an upload token made in the console's API.
  const created = await page.request.post(`${assay.url}/api/v1/repos/${REPO}/upload-tokens`, {
    data: { name: 'ci', expiresInDays: 1 },
    headers: { origin: assay.url },
  });
  expect(created.status()).toBe(201);
  const { token } = (await created.json()) as { token: string };
  const dir = mkdtempSync(join(tmpdir(), 'assay-junit-'));
  writeFileSync(
    join(dir, 'junit.xml'),
    `<?xml version="1.0"?><testsuites><testsuite name="sign-in" tests="2" failures="1">
<testcase classname="sign-in" name="T1::signs in with email and password" file="tests/sign-in.spec.ts"/>
<testcase classname="sign-in" name="T2::rejects an empty email" file="tests/sign-in.spec.ts"><failure message="expected an error message">AssertionError: expected an error message</failure></testcase>
</testsuite></testsuites>`,
  );
  await assay.cli([
    'upload',
    '--url',
    assay.url,
    '--junit',
    join(dir, 'junit.xml'),
    '--token',
    token,
    '--sha',
    HEAD,
    '--ref',
    'refs/heads/email-sign-in',
    '--run-id',
    '4242',
  ]);
  // No reload: the page shows the report and the criteria's statuses once the report is processed.
  await expect(page.getByRole('heading', { name: 'Reports received (1)' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'T2' })).toContainText('failed');
  await expect(page.getByRole('row').filter({ hasText: 'T1' })).toContainText('passed');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'pull-request');
  expect(log.errors).toEqual([]);

  // The check run's Details link, opened in a browser that never signed in.
  const runs = await assay.double<{ details_url: string | null; name: string }[]>(
    `/repos/${REPO}/check-runs?sha=${HEAD}`,
  );
  const details = runs.map((r) => r.details_url).find((u) => u?.includes('?sha='));
  expect(details).toBe(`${assay.url}/repos/${REPO}/pulls/${pullNumber}?sha=${HEAD}`);
  const cold = await browser.newContext();
  const coldPage = await cold.newPage();
  const coldLog = collectConsoleErrors(coldPage);
  coldLog.allow(SIGNED_OUT);
  await coldPage.goto(details!);
  await signInWithGitHub(coldPage, OWNER);
  await expect(coldPage).toHaveURL(details!);
  await expect(coldPage.getByRole('heading', { level: 1 })).toContainText('Email sign-in');
  await expect(coldPage.getByRole('row').filter({ hasText: 'T2' })).toContainText('failed');
  expect(coldLog.errors).toEqual([]);
  await cold.close();
  await context.close();
});

test('an agent run progresses live and a stage is approved with an edit on a 390 px wide screen', async ({
  browser,
  assay,
}) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const log = collectConsoleErrors(page);
  log.allow(SIGNED_OUT);
  await signedIn(page, assay.url, `/orgs/${ORG}/agent-runs`);
  const started = await page.request.post(`${assay.url}/api/v1/orgs/${ORG}/agent-runs`, {
    data: { repository: REPO, issues: [issueNumber] },
    headers: { origin: assay.url },
  });
  expect(started.status(), await started.text()).toBe(202);
  const { run } = (await started.json()) as { run: { id: string } };
  await page.goto(`${assay.url}/orgs/${ORG}/agent-runs/${run.id}`);

  // The analyst's requirements arrive over the events stream and are shown as a document.
  const approval = page.getByRole('region', { name: /Approval: analyst stage/ });
  await expect(approval).toBeVisible();
  await expect(approval).toContainText('Acceptance criteria');
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'agent-run-approval');

  // Edit: change the first requirement's title, review the diff, send.
  await approval.getByRole('button', { name: 'Edit' }).click();
  const editor = approval.getByRole('textbox').first();
  const text = await editor.inputValue();
  const edited = text.replace(/"title": "([^"]*)"/, '"title": "$1 (reviewed by a person)"');
  expect(edited).not.toBe(text);
  await editor.fill(edited);
  await approval.getByRole('button', { name: 'Review changes' }).click();
  const diff = approval.getByRole('region', { name: /→ your edit/ });
  await expect(diff).toContainText('+   "title":');
  await expect(diff).toContainText('(reviewed by a person)');
  await screenshot(page, 'agent-run-edit-diff');
  await approval.getByRole('button', { name: 'Send edit and continue' }).click();

  // Live: the QA stage comes to its approval without a reload; approve it by keyboard.
  const qa = page.getByRole('region', { name: /Approval: qa stage/ });
  await expect(qa).toBeVisible();
  expect(log.errors).toEqual([]);
  // The automation and verify stages (type check, generated tests in Chromium) run inside the one local
  // process: on a loaded machine the API may answer 5xx meanwhile (a Lambda each on AWS); the page shows
  // those as errors people read and asks again.
  log.allow(/status of 5\d\d/);
  await qa.getByRole('button', { name: 'Approve' }).focus();
  await page.keyboard.press('Enter');
  await expect(qa).toBeHidden();
  await expect(page.getByRole('region', { name: 'Run status' })).toContainText('succeeded', {
    timeout: 90_000,
  });
  await expect(page.getByText(/Live: ended/)).toBeVisible();

  // The edit is the requirements' new version, by a person.
  await page.getByText(/requirements: .* \(v2, human\)/).click();
  await expect(page.getByText('(reviewed by a person)').first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'agent-run');
  expect(log.errors).toEqual([]);
  await context.close();
});

test('a document uploaded with a progress bar is processed and found by search, the passage highlighted', async ({
  browser,
  assay,
}) => {
  const page = await browser.newPage();
  const log = collectConsoleErrors(page);
  log.allow(SIGNED_OUT);
  await signedIn(page, assay.url, `/orgs/${ORG}/documents`);
  await page.getByLabel(/Requirement document/).setInputFiles({
    name: 'refunds.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from(
      '# Refunds\n\n## Partial refunds\n\nA support agent can refund part of an order within 30 days of delivery.\n',
    ),
  });
  const row = page.getByRole('row').filter({ hasText: 'refunds.md' });
  await expect(row).toContainText('ready');
  await page.getByRole('searchbox', { name: 'Search the documents' }).fill('partial refund');
  await page.getByRole('button', { name: 'Search' }).click();
  const result = page.getByRole('list', { name: 'Search results' }).getByRole('listitem').first();
  await expect(result).toContainText('within 30 days of delivery');
  await expect(result.locator('mark').first()).toHaveText(/refund/i);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'documents');
  expect(log.errors).toEqual([]);
  await page.close();
});
