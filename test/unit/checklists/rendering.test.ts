import { describe, expect, it } from 'vitest';
import { isPlaceholder } from '../../../shared/checklists/extract/index.ts';
import { cleanItemText } from '../../../shared/checklists/extract/text.ts';
import { md, texts } from './helpers.ts';

describe('item text', () => {
  it('renders inline markdown to plain text and keeps inline code', () => {
    const body = md(
      '## AC',
      '- **Bold**, _em_, `code <x>`, [link](https://x.y), <kbd>Ctrl</kbd>+C, https://e.com/a',
    );
    expect(texts(body)).toEqual(['Bold, em, code <x>, link, Ctrl+C, https://e.com/a']);
  });

  it('drops struck-through text, images and footnote references', () => {
    expect(
      texts(md('## AC', '- Export ~~PDF~~ CSV ![img](a.png)[^1]', '- ~~removed item~~', '', '[^1]: note')),
    ).toEqual(['Export CSV']);
  });

  it('normalizes whitespace and soft line breaks', () => {
    expect(texts(md('## AC', '-   spread', '    over   lines'))).toEqual(['spread over lines']);
  });

  it('keeps unknown angle-bracket placeholders inside a text', () => {
    expect(texts(md('## AC', '- Given <email> is valid'))).toEqual(['Given <email> is valid']);
  });

  it('strips enumerators, checkbox marks and criterion ids', () => {
    expect(cleanItemText('  (2)  ✅ AC-3: Works;', 500)).toEqual({ text: 'Works', checked: true });
    expect(cleanItemText('[ ] open one', 500)).toEqual({ text: 'open one', checked: false });
    expect(cleanItemText('x'.repeat(600), 500).text).toHaveLength(500);
  });
});

describe('placeholders', () => {
  it.each([
    '',
    '...',
    '…',
    '-',
    'TBD',
    'tbd.',
    'N/A',
    'No response',
    '[describe here]',
    '[ ]',
    '<placeholder>',
    '{{criterion}}',
    '(optional)',
    'Criterion 1',
    'Item #2',
    'A clear and concise description of what you expected to happen.',
    'Describe the expected behaviour here',
    'Please list the acceptance criteria below.',
    'e.g. The user can log in',
  ])('%j is a placeholder', (text) => {
    expect(isPlaceholder(text)).toBe(true);
  });

  it.each([
    'Users can log in',
    'TBD values are rejected by the API',
    '2FA is required',
    '[x] marks done items in the export',
  ])('%j is not a placeholder', (text) => {
    expect(isPlaceholder(text)).toBe(false);
  });

  it('drops template placeholders and comments from a section', () => {
    const body = md(
      '## Acceptance criteria',
      '<!-- One per line. Every item must be testable. -->',
      '- [ ] ',
      '- [ ] [describe here]',
      '- [ ] _No response_',
      '- [ ] <criterion>',
      '- [ ] Real one',
      '- ...',
    );
    expect(texts(body)).toEqual(['Real one']);
  });
});
