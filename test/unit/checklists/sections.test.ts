import { describe, expect, it } from 'vitest';
import { extractCriteria } from '../../../shared/checklists/extract/index.ts';
import { md, texts } from './helpers.ts';

describe('criteria under a heading', () => {
  it('takes the section up to the next heading of the same level, at any level', () => {
    for (const level of ['#', '##', '###', '####', '#####', '######']) {
      const sub = `${level}#`.slice(0, 6);
      const body = md(
        `${level} Acceptance criteria`,
        '- one',
        `${sub} Detail`,
        '- two',
        `${level} Notes`,
        '- three',
      );
      const expected = sub === level ? ['one'] : ['one', 'two'];
      expect(texts(body), level).toEqual(expected);
    }
  });

  it('ends at a heading of higher level', () => {
    expect(texts(md('### AC', '- one', '## Next', '- two'))).toEqual(['one']);
  });

  it('keeps subheadings inside the section', () => {
    expect(
      texts(md('## Acceptance Criteria', '### Export', '- csv', '### Import', '- xlsx', '## Notes', '- no')),
    ).toEqual(['csv', 'xlsx']);
  });

  it('stops at a subheading naming another template field', () => {
    expect(texts(md('## Acceptance Criteria', '- a', '### Out of scope', '- b'))).toEqual(['a']);
  });

  it('ignores case and the colon', () => {
    expect(texts(md('## ACCEPTANCE CRITERIA:', '- a'))).toEqual(['a']);
    expect(texts(md('#### ac', '- a'))).toEqual(['a']);
  });

  it('uses prose sentences when the section has no list', () => {
    expect(texts(md('### Expected behaviour', '', 'The page loads. No error is shown.'))).toEqual([
      'The page loads.',
      'No error is shown.',
    ]);
  });

  it('treats prose as an introduction when the section has a list', () => {
    expect(
      texts(md('## Acceptance criteria', 'This is done when:', '', '- a', '- b', '', 'See the doc.')),
    ).toEqual(['a', 'b']);
  });

  it('reads the criterion column of a table in the section', () => {
    const body = md(
      '## AC',
      '| # | Criterion | Prio |',
      '|---|---|---|',
      '| 1 | Users can log in | Must |',
      '| 2 | Users can log out | Should |',
    );
    expect(texts(body)).toEqual(['Users can log in', 'Users can log out']);
  });

  it('ignores tables outside criteria sections', () => {
    expect(texts(md('| a | b |', '|---|---|', '| x | the system must do it |'))).toEqual([]);
  });

  it('unions several sections in document order', () => {
    const body = md(
      '## Definition of Done',
      '- docs',
      '## Acceptance criteria',
      '- works',
      '## Tasks',
      '- [ ] code',
    );
    expect(texts(body)).toEqual(['docs', 'works']);
  });
});

describe('criteria after a bold label', () => {
  it('takes the list right after the label, with or without colon', () => {
    for (const label of [
      '**Acceptance criteria**',
      '**Acceptance criteria:**',
      '**Acceptance criteria**:',
      '__AC__',
    ]) {
      expect(texts(md(label, '- a', '- b', '', 'Other text.', '', '- c')), label).toEqual(['a', 'b']);
    }
  });

  it('takes lines in the label paragraph (GitHub bug template)', () => {
    expect(texts(md('**Expected behavior**', 'It saves.', '', '**Screenshots**', 'none'))).toEqual([
      'It saves.',
    ]);
  });

  it('takes the value on the same line as the label', () => {
    expect(texts('**Expected result**: the email is in German.')).toEqual(['the email is in German.']);
    expect(texts('**AC:** The footer shows the version.')).toEqual(['The footer shows the version.']);
  });

  it('takes the next paragraph when nothing else follows', () => {
    expect(texts(md('**Expected behavior**', '', 'The dialog closes.', '', 'More prose.'))).toEqual([
      'The dialog closes.',
    ]);
  });

  it('skips an intro paragraph ending with a colon before the list', () => {
    expect(texts(md('**Acceptance criteria**', '', 'Done when:', '', '- a'))).toEqual(['a']);
  });

  it('skips HTML comments between the label and the list', () => {
    expect(texts(md('**AC**', '<!-- list them -->', '- a'))).toEqual(['a']);
  });

  it('takes consecutive lists', () => {
    expect(texts(md('**AC**', '- a', '', '* b', '', '1. c'))).toEqual(['a', 'b', 'c']);
  });

  it('does not take the list of the next label', () => {
    expect(texts(md('**Acceptance criteria**', '- a', '', '**Open questions**', '- b?'))).toEqual(['a']);
  });
});

describe('criteria after a line label', () => {
  it('reads Jira text: label line then * bullets', () => {
    expect(texts(md('Acceptance Criteria', '* a', '* b'))).toEqual(['a', 'b']);
  });

  it('reads Jira text: label line then numbered lines', () => {
    expect(texts(md('Acceptance Criteria:', '1. a', '2. b'))).toEqual(['a', 'b']);
  });

  it('reads pasted lines with • bullets and strips AC ids', () => {
    expect(texts(md('Acceptance Criteria', '• a', 'AC2: b', 'Assignee: @x'))).toEqual(['a', 'b']);
  });

  it('reads `Expected:` with its value and stops at `Actual:`', () => {
    expect(texts(md('Expected: totals match.', 'Actual: they differ.'))).toEqual(['totals match.']);
  });

  it('finds a label in the middle of a paragraph', () => {
    expect(texts(md('Some context here.', 'AC:', '- a'))).toEqual(['a']);
  });

  it('reads a list item that is a label with nested bullets', () => {
    expect(texts(md('- **Owner:** me', '- **Acceptance criteria:**', '  - a', '  - b'))).toEqual(['a', 'b']);
  });

  it('reads labels in other languages', () => {
    expect(texts(md('Critérios de aceitação:', '- a'))).toEqual(['a']);
    expect(texts(md('**Akzeptanzkriterien**', '- a'))).toEqual(['a']);
    expect(texts(md('## 验收标准', '1. 甲'))).toEqual(['甲']);
  });
});

describe('items', () => {
  it('folds nested bullets into their parent', () => {
    const body = md('## AC', '- parent', '  - child one', '  - child two', '    - grandchild', '- other');
    expect(texts(body)).toEqual(['parent: child one; child two (grandchild)', 'other']);
  });

  it('records the task-list state in a section', () => {
    const { items } = extractCriteria({ body: md('## DoD', '- [x] done', '- [ ] open', '- plain') });
    expect(items).toEqual([
      { text: 'done', source: 'section', checked: true },
      { text: 'open', source: 'section', checked: false },
      { text: 'plain', source: 'section' },
    ]);
  });

  it('de-duplicates items with the same normalized text', () => {
    expect(texts(md('## AC', '- Users can log in', '- users can log in!'))).toEqual(['Users can log in']);
  });
});
