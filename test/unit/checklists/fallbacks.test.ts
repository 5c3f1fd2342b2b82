import { describe, expect, it } from 'vitest';
import { extractCriteria } from '../../../shared/checklists/extract/index.ts';
import { md, texts } from './helpers.ts';

describe('task-list fallback', () => {
  it('uses task-list items when there is no criteria section', () => {
    const { items } = extractCriteria({ body: md('Work:', '', '- [ ] a', '- note', '- [x] b') });
    expect(items).toEqual([
      { text: 'a', source: 'tasklist', checked: false },
      { text: 'b', source: 'tasklist', checked: true },
    ]);
  });

  it('ignores task lists when a criteria section exists', () => {
    expect(texts(md('## AC', '- a', '## Tasks', '- [ ] t'))).toEqual(['a']);
  });

  it('finds tasks nested under plain bullets and folds their children', () => {
    expect(texts(md('- Backend', '  - [ ] api', '    - paginated', '- [x] ui'))).toEqual([
      'api: paginated',
      'ui',
    ]);
  });

  it('falls back to tasks when the criteria section holds only placeholders', () => {
    expect(texts(md('## Acceptance criteria', '- [ ] TBD', '## Plan', '- [ ] real task'))).toEqual([
      'real task',
    ]);
  });

  it('ignores tasks inside quotes and code blocks', () => {
    expect(texts(md('> - [ ] quoted', '', '```', '- [ ] code', '```'))).toEqual([]);
  });
});

describe('modal-sentence fallback', () => {
  it('uses must/should/shall sentences as the last resort', () => {
    const { items } = extractCriteria({
      body: 'Intro. The API must return 404 for unknown ids. It is fast. Keys shall rotate. Logs should be kept.',
    });
    expect(items).toEqual([
      { text: 'The API must return 404 for unknown ids.', source: 'modal' },
      { text: 'Keys shall rotate.', source: 'modal' },
      { text: 'Logs should be kept.', source: 'modal' },
    ]);
  });

  it('reads the title first', () => {
    expect(texts('It also should log the event.', 'Sessions must expire after 30 minutes')).toEqual([
      'Sessions must expire after 30 minutes',
      'It also should log the event.',
    ]);
  });

  it('skips questions', () => {
    expect(texts('Should we cache this? I think we must decide soon?')).toEqual([]);
  });

  it('joins hard-wrapped lines', () => {
    expect(texts(md('The timeout should be configurable', 'by admins.'))).toEqual([
      'The timeout should be configurable by admins.',
    ]);
  });

  it('reads list items', () => {
    expect(texts(md('- Exports must be zipped', '- nice'))).toEqual(['Exports must be zipped']);
  });

  it('is not used when other criteria exist', () => {
    expect(texts(md('It must be fast.', '', '- [ ] task'))).toEqual(['task']);
  });

  it('ignores code blocks, quotes, HTML comments and headings', () => {
    const body = md('## It must be fast', '```', 'must not', '```', '> it should', '', '<!-- it shall -->');
    expect(texts(body)).toEqual([]);
  });

  it('reads other languages', () => {
    expect(texts('El sistema debe enviar un correo. 系统必须记录日志。')).toEqual([
      'El sistema debe enviar un correo.',
      '系统必须记录日志。',
    ]);
  });

  it('returns nothing for an issue without criteria', () => {
    expect(extractCriteria({ title: 'Typo in README', body: 'There is a typo on line 3.' })).toEqual({
      items: [],
      truncated: false,
      totalFound: 0,
    });
  });
});
