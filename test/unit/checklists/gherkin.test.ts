import { describe, expect, it } from 'vitest';
import { extractCriteria } from '../../../shared/checklists/extract/index.ts';
import { md, texts } from './helpers.ts';

const fence = (lang: string, ...lines: string[]): string => md(`\`\`\`${lang}`, ...lines, '```');

describe('Gherkin scenarios', () => {
  it('makes one item per plain-text scenario with its steps', () => {
    const body = md(
      'Scenario: Sign in',
      '  Given a user',
      '  When they sign in',
      '  Then they see the dashboard',
      '',
      'Scenario: Sign out',
      '  Given a signed-in user',
      '  When they sign out',
      '  Then they see the home page',
    );
    const { items } = extractCriteria({ body });
    expect(items).toEqual([
      { text: 'Sign in: Given a user; When they sign in; Then they see the dashboard', source: 'gherkin' },
      {
        text: 'Sign out: Given a signed-in user; When they sign out; Then they see the home page',
        source: 'gherkin',
      },
    ]);
  });

  it.each(['gherkin', 'feature', 'Gherkin', 'cucumber'])('reads ```%s blocks', (lang) => {
    const body = fence(
      lang,
      'Feature: F',
      '  About it.',
      '  Scenario: S',
      '    Given a',
      '    * b',
      '    Then c',
    );
    expect(texts(body)).toEqual(['S: Given a; * b; Then c']);
  });

  it('skips tags, backgrounds, comments, doc strings and example tables', () => {
    const body = fence(
      'gherkin',
      '@smoke',
      'Feature: F',
      '  Background:',
      '    Given a logged-in user',
      '  # a comment',
      '  Scenario Outline: Outline',
      '    When I enter "<value>"',
      '      """',
      '      Then not a step',
      '      """',
      '    Then I see "<result>"',
      '    Examples:',
      '      | value | result |',
      '      | 1     | one    |',
    );
    expect(texts(body)).toEqual(['Outline: When I enter "<value>"; Then I see "<result>"']);
  });

  it('reads scenarios whose steps are bullets', () => {
    expect(texts(md('Scenario: S', '- Given a', '- When b', '- Then c'))).toEqual([
      'S: Given a; When b; Then c',
    ]);
  });

  it('reads a scenario named by a heading', () => {
    expect(texts(md('### Scenario 1: Login', 'Given a', 'When b', 'Then c'))).toEqual([
      'Login: Given a; When b; Then c',
    ]);
  });

  it('treats a Given run in a criteria section as one scenario', () => {
    expect(texts(md('**AC**', '- Given a', '- When b', '- Then c', '- And d'))).toEqual([
      'Given a; When b; Then c; And d',
    ]);
  });

  it('needs Scenario: outside criteria sections', () => {
    expect(texts(md('Given I do this', 'When I do that', 'Then it works'))).toEqual([]);
  });

  it('ignores Gherkin in unlabelled code blocks and quotes', () => {
    expect(texts(fence('', 'Scenario: S', '  Given a'))).toEqual([]);
    expect(texts(md('> Scenario: S', '> Given a'))).toEqual([]);
  });

  it('combines scenarios outside a section with the section items', () => {
    const body = md(
      '## Acceptance criteria',
      '- a',
      '',
      '## Scenarios',
      fence('feature', 'Scenario: S', '  Given x'),
    );
    expect(texts(body)).toEqual(['a', 'S: Given x']);
  });

  it('reads localized Gherkin keywords', () => {
    expect(texts(md('Escenario: Pago', 'Dado un carrito', 'Cuando pago', 'Entonces veo el recibo'))).toEqual([
      'Pago: Dado un carrito; Cuando pago; Entonces veo el recibo',
    ]);
  });
});
