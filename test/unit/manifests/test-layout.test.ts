import { describe, expect, it } from 'vitest';
import { isTestPath, suggestTestName, suggestTestPath } from '../../../shared/manifests/test-layout.ts';

describe('isTestPath', () => {
  it.each([
    'src/a.test.ts',
    'src/a.spec.tsx',
    'src/__tests__/a.ts',
    'test/unit/x.ts',
    'tests/test_x.py',
    'pkg/x_test.py',
    'pkg/util/x_test.go',
    'src/test/java/a/XTest.java',
    'app/src/test/kotlin/a/XTests.kt',
    'spec/models/user_spec.rb',
    'tests/integration.rs',
    'MyApp.Tests/FooTests.cs',
    'e2e/login.cy.ts',
    'conftest.py',
  ])('%s is a test', (p) => expect(isTestPath(p)).toBe(true));

  it.each([
    'src/a.ts',
    'src/attest.ts',
    'lib/contest.py',
    'src/main/java/a/Testing.java',
    'README.md',
    'latest/x.go',
  ])('%s is not a test', (p) => expect(isTestPath(p)).toBe(false));
});

describe('suggestTestPath', () => {
  it('TS/JS: beside by default, .spec or __tests__ or a mirrored test tree when the repo does so', () => {
    expect(suggestTestPath('src/auth/email.ts', [])).toBe('src/auth/email.test.ts');
    expect(suggestTestPath('src/ui/Form.tsx', ['src/ui/Button.spec.tsx'])).toBe('src/ui/Form.spec.tsx');
    expect(
      suggestTestPath('src/ui/Form.jsx', ['src/ui/__tests__/Button.test.jsx', 'src/x/__tests__/y.test.js']),
    ).toBe('src/ui/__tests__/Form.test.jsx');
    expect(
      suggestTestPath('shared/manifests/links.ts', [
        'test/unit/checklists/a.test.ts',
        'test/unit/b.test.ts',
        'shared/x.ts',
      ]),
    ).toBe('test/unit/manifests/links.test.ts');
    expect(suggestTestPath('lib/util.mjs', ['test/util/other.test.mjs'])).toBe('test/util.test.mjs');
  });

  it('Python: tests/test_x.py, or the repo’s own style', () => {
    expect(suggestTestPath('app/billing/invoice.py', [])).toBe('tests/test_invoice.py');
    expect(suggestTestPath('app/billing/invoice.py', ['app/billing/tax_test.py'])).toBe(
      'app/billing/invoice_test.py',
    );
    expect(suggestTestPath('app/billing/invoice.py', ['app/billing/test_tax.py'])).toBe(
      'app/billing/test_invoice.py',
    );
    expect(suggestTestPath('app/billing/invoice.py', ['test/test_tax.py'])).toBe('test/test_invoice.py');
  });

  it('Java / Kotlin: src/main → src/test with a Test suffix, module prefix kept', () => {
    expect(suggestTestPath('src/main/java/com/acme/EmailValidator.java', [])).toBe(
      'src/test/java/com/acme/EmailValidatorTest.java',
    );
    expect(suggestTestPath('core/src/main/kotlin/acme/Mailer.kt', [])).toBe(
      'core/src/test/kotlin/acme/MailerTest.kt',
    );
  });

  it('Go, Ruby, Rust, C#, PHP', () => {
    expect(suggestTestPath('internal/auth/email.go', [])).toBe('internal/auth/email_test.go');
    expect(suggestTestPath('app/models/user.rb', [])).toBe('spec/models/user_spec.rb');
    expect(suggestTestPath('lib/acme/mailer.rb', ['test/models/user_test.rb'])).toBe(
      'test/acme/mailer_test.rb',
    );
    expect(suggestTestPath('src/parser.rs', [])).toBe('tests/parser.rs');
    expect(suggestTestPath('src/Acme.Web/Services/Mailer.cs', [])).toBe(
      'tests/Acme.Web.Tests/Services/MailerTests.cs',
    );
    expect(suggestTestPath('src/Billing/Invoice.php', [])).toBe('tests/Billing/InvoiceTest.php');
  });

  it('keeps a test path, and defaults by the dominant language when there is no source file', () => {
    expect(suggestTestPath('src/a.test.ts', [])).toBe('src/a.test.ts');
    expect(suggestTestPath('', ['a.go', 'b/c.go', 'x.ts'], 'issue-12')).toBe('issue_12_test.go');
    expect(suggestTestPath('README.md', ['a.py'], 'issue-12')).toBe('tests/test_issue_12.py');
    expect(suggestTestPath('', [], 'issue-12')).toBe('src/issue-12.test.ts');
    expect(suggestTestPath('', ['pom.xml', 'src/main/java/a/B.java'], 'issue-3')).toBe(
      'src/test/java/Issue3Test.java',
    );
  });
});

describe('suggestTestName', () => {
  it.each([
    ['The form should reject an invalid email.', 'T12::rejects an invalid email'],
    ['Users can reset their password via email', 'T12::resets their password via email'],
    ["- [ ] The user must not see other tenants' data", "T12::does not see other tenants' data"],
    ['When the token expires, the user is logged out', 'T12::when the token expires, the user is logged out'],
    ['As a user, I want to export my data as CSV', 'T12::export my data as csv'],
    ['Verify that **search** matches partial names', 'T12::search matches partial names'],
    ['The API should be able to page results', 'T12::pages results'],
    ['It should push a notification', 'T12::pushes a notification'],
    ['Dashboards should copy widgets', 'T12::copies widgets'],
    ['', 'T12::works'],
  ])('%s', (text, name) => expect(suggestTestName(12, text)).toBe(name));

  it('is at most 80 characters, cut at a word', () => {
    const name = suggestTestName(
      123,
      'Should be able to upload files up to 10 MB with progress shown, retries on failure, and resumable uploads across sessions',
    );
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toBe('T123::uploads files up to 10 mb with progress shown, retries on failure');
  });
});
