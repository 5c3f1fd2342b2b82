import { describe, expect, it } from 'vitest';
import { extractCriteria, isPlaceholder } from '../../../shared/checklists/extract/index.ts';
import { md, texts } from './helpers.ts';

const fence = (lang: string, ...lines: string[]): string => md(`\`\`\`${lang}`, ...lines, '```');

describe('template slots inside a sentence are not criteria', () => {
  const slotted = [
    'Given [context], when [action], then [expected result]',
    'As a [role] I want [feature] so that [benefit]',
    'As an admin I want [feature] so that [benefit]',
    '<describe the behaviour>',
    'The system should <describe the behaviour>',
    '{{outcome}}',
    'Then {{outcome}} is shown',
    'TBD',
    '____',
    'When ____ then ____',
    'Then [expected result] is shown',
  ];
  const real = [
    'returns [] for an empty cart',
    'Display the [Save] button after an edit',
    'Shows <username> in the header',
    'As a shopper I want to save my cart so that I can come back later',
    'Given a signed-in user, when they open settings, then they see their email',
    'Keeps {} for an empty config object',
  ];

  it.each(slotted)('%j is a placeholder', (text) => {
    expect(isPlaceholder(text)).toBe(true);
  });

  it.each(real)('%j is a criterion', (text) => {
    expect(isPlaceholder(text)).toBe(false);
  });

  it('drops slotted items in criteria lists, task lists and Gherkin alike, and keeps the real ones', () => {
    const list = md('## Acceptance criteria', ...[...slotted, ...real].map((t) => `- ${t}`));
    expect(texts(list)).toEqual(real);
    const tasks = md('Some context.', '', ...[...slotted, ...real].map((t) => `- [ ] ${t}`));
    expect(texts(tasks)).toEqual(real);
    const gherkin = fence(
      'gherkin',
      'Scenario: [scenario name]',
      '  Given [context]',
      '  When [action]',
      '  Then [expected result]',
      '',
      'Scenario Outline: sign in',
      '  Given I enter <email> and <password>',
      '  When I submit',
      '  Then I see <page>',
    );
    expect(texts(gherkin)).toEqual([
      'sign in: Given I enter <email> and <password>; When I submit; Then I see <page>',
    ]);
    const plainSteps = md(
      '## Acceptance criteria',
      'Given [context]',
      'When [action]',
      'Then [expected result]',
    );
    expect(texts(plainSteps)).toEqual([]);
  });
});

describe('Gherkin keywords with a colon, a dash or in capitals', () => {
  it('reads GIVEN: / When: / THEN - as steps, in paragraphs and in lists', () => {
    const expected = [
      'GIVEN: a user is signed in; WHEN: they open settings; THEN - they see their email',
      'GIVEN: a user is signed in; When: they open billing; Then: they see their plan',
    ];
    const paragraphs = md(
      '## Acceptance criteria',
      'GIVEN: a user is signed in',
      'WHEN: they open settings',
      'THEN - they see their email',
      '',
      'GIVEN: a user is signed in',
      'When: they open billing',
      'Then: they see their plan',
    );
    expect(extractCriteria({ body: paragraphs }).items).toEqual(
      expected.map((text) => ({ text, source: 'gherkin' })),
    );
    const bullets = md(
      '**Acceptance criteria**',
      '- GIVEN: a user is signed in',
      '- WHEN: they open settings',
      '- THEN - they see their email',
      '- GIVEN: a user is signed in',
      '- When: they open billing',
      '- Then: they see their plan',
    );
    expect(texts(bullets)).toEqual(expected);
  });

  it('keeps a step two consecutive scenarios share (whole items are de-duplicated, not steps)', () => {
    const body = md(
      '## Acceptance criteria',
      'Scenario: settings',
      'Given a user is signed in',
      'When they open settings',
      'Then they see their email',
      '',
      'Scenario: billing',
      'Given a user is signed in',
      'When they open billing',
      'Then they see their plan',
      '',
      'Scenario: settings',
      'Given a user is signed in',
      'When they open settings',
      'Then they see their email',
    );
    expect(texts(body)).toEqual([
      'settings: Given a user is signed in; When they open settings; Then they see their email',
      'billing: Given a user is signed in; When they open billing; Then they see their plan',
    ]);
  });

  it('does not take E-mail, Data or a short word for a step', () => {
    const body = md(
      '## Acceptance criteria',
      '- Given a signed-in user',
      '- E-mail is sent on sign-up',
      '- Data is exported as CSV',
      '- A receipt is printed',
    );
    expect(texts(body)).toEqual([
      'Given a signed-in user',
      'E-mail is sent on sign-up',
      'Data is exported as CSV',
      'A receipt is printed',
    ]);
  });
});

describe('other languages, through the standard keyword table', () => {
  it.each([
    'Critères d’acceptation',
    'Tests d’acceptation',
    'Akzeptanzkriterien',
    'Akzeptanztests',
    'Criterios de aceptación',
    'Pruebas de aceptación',
    'Critérios de aceitação',
    'Acceptatiecriteria',
    'Criteri di accettazione',
  ])('%s labels a criteria section (heading, bold, line)', (label) => {
    expect(texts(md(`## ${label}`, '- première', '- zweite'))).toEqual(['première', 'zweite']);
    expect(texts(md(`**${label}**`, '- première', '- zweite'))).toEqual(['première', 'zweite']);
    expect(texts(md(`${label}:`, '- première', '- zweite'))).toEqual(['première', 'zweite']);
  });

  it.each([
    [
      'Critères d’acceptation',
      [
        'Étant donné un utilisateur connecté',
        'Lorsque il ouvre ses réglages',
        'Alors il voit son e-mail',
        'Et son nom',
      ],
    ],
    [
      'Akzeptanzkriterien',
      [
        'Angenommen ein Benutzer ist angemeldet',
        'Wenn er die Einstellungen öffnet',
        'Dann sieht er seine E-Mail',
      ],
    ],
    [
      'Criterios de aceptación',
      ['Dado un usuario registrado', 'Cuando abre su perfil', 'Entonces ve su correo', 'Y su nombre'],
    ],
  ])('reads %s steps as one scenario, in paragraphs and lists', (label, steps) => {
    const expected = [steps.join('; ')];
    expect(texts(md(`## ${label}`, ...steps))).toEqual(expected);
    expect(texts(md(`## ${label}`, ...steps.map((s) => `- ${s}`)))).toEqual(expected);
    expect(extractCriteria({ body: md(`## ${label}`, ...steps) }).items[0]?.source).toBe('gherkin');
  });

  it('reads steps wrapped in emphasis, rendered or literal', () => {
    const steps = [
      '_*Étant donné*_ un utilisateur connecté',
      '_*Lorsque*_ il ouvre ses réglages',
      '**Alors** il voit son e-mail',
    ];
    const expected = [
      'Étant donné un utilisateur connecté; Lorsque il ouvre ses réglages; Alors il voit son e-mail',
    ];
    expect(texts(md('## Critères d’acceptation', ...steps.map((s) => `- ${s}`)))).toEqual(expected);
    expect(texts(fence('gherkin', 'Scénario: réglages', ...steps))).toEqual([`réglages: ${expected[0]}`]);
  });

  it('reads localised Gherkin blocks in any language of the table (Dutch, Japanese, Polish)', () => {
    expect(
      texts(
        fence(
          'gherkin',
          'Scenario: inloggen',
          'Gegeven een gebruiker',
          'Als hij inlogt',
          'Dan ziet hij het dashboard',
        ),
      ),
    ).toEqual(['inloggen: Gegeven een gebruiker; Als hij inlogt; Dan ziet hij het dashboard']);
    expect(
      texts(
        fence(
          'gherkin',
          'シナリオ: ログイン',
          '前提 ユーザーがいる',
          'もし ログインする',
          'ならば ダッシュボードが見える',
        ),
      ),
    ).toEqual(['ログイン: 前提 ユーザーがいる; もし ログインする; ならば ダッシュボードが見える']);
    expect(
      texts(
        fence(
          'gherkin',
          'Scenariusz: logowanie',
          'Zakładając użytkownika',
          'Jeżeli się loguje',
          'Wtedy widzi pulpit',
        ),
      ),
    ).toEqual(['logowanie: Zakładając użytkownika; Jeżeli się loguje; Wtedy widzi pulpit']);
  });
});

describe('<details><summary>Acceptance criteria</summary> blocks', () => {
  it('labels the list inside, with or without blank lines around it, and leaves other details alone', () => {
    const spaced = md(
      'Intro.',
      '',
      '<details>',
      '<summary>Acceptance criteria</summary>',
      '',
      '- Users can export CSV',
      '- Export includes headers',
      '',
      '</details>',
      '',
      '- [ ] write the docs',
    );
    expect(extractCriteria({ body: spaced }).items).toEqual([
      { text: 'Users can export CSV', source: 'section' },
      { text: 'Export includes headers', source: 'section' },
    ]);
    const tight = md(
      '<details><summary><b>Acceptance Criteria</b></summary>',
      '- Users can export CSV',
      '- Export includes headers',
      '</details>',
      '',
      'Other text.',
    );
    expect(texts(tight)).toEqual(['Users can export CSV', 'Export includes headers']);
    const other = md(
      '<details>',
      '<summary>Screenshots</summary>',
      '',
      '- not a criterion',
      '',
      '</details>',
      '',
      '## Acceptance criteria',
      '- a criterion',
    );
    expect(texts(other)).toEqual(['a criterion']);
  });

  it('keeps document order with the other sections', () => {
    const body = md(
      '## Acceptance criteria',
      '- first',
      '',
      '<details><summary>Akzeptanzkriterien</summary>',
      '',
      '- second',
      '',
      '</details>',
    );
    expect(texts(body)).toEqual(['first', 'second']);
  });
});

describe('Given/When/Then tables', () => {
  it('gives one item per row that keeps every column', () => {
    const body = md(
      '## Acceptance criteria',
      '',
      '| Given | When | Then |',
      '|---|---|---|',
      '| a locked account | the admin unlocks it | the account is unlocked |',
      '| an open account | the user fails 5 times | the account is locked |',
    );
    expect(texts(body)).toEqual([
      'Given a locked account; When the admin unlocks it; Then the account is unlocked',
      'Given an open account; When the user fails 5 times; Then the account is locked',
    ]);
  });

  it('reads Scenario/Expected tables, localised keyword columns, and drops id columns', () => {
    const scenarios = md(
      '## Acceptance criteria',
      '',
      '| # | Scenario | Expected result |',
      '|---|---|---|',
      '| 1 | Locked out | The account stays locked |',
      '| 2 | Unlock | The account is unlocked |',
    );
    expect(texts(scenarios)).toEqual([
      'Locked out; Expected result: The account stays locked',
      'Unlock; Expected result: The account is unlocked',
    ]);
    const german = md(
      '## Akzeptanzkriterien',
      '',
      '| ID | Angenommen | Wenn | Dann |',
      '|---|---|---|---|',
      '| AC1 | ein gesperrtes Konto | der Admin es entsperrt | ist das Konto offen |',
    );
    expect(texts(german)).toEqual([
      'Angenommen ein gesperrtes Konto; Wenn der Admin es entsperrt; Dann ist das Konto offen',
    ]);
    const written = md(
      '## Acceptance criteria',
      '',
      '| GIVEN | WHEN | THEN |',
      '|---|---|---|',
      '| Given a cart | When I pay | the order is placed |',
    );
    expect(texts(written)).toEqual(['Given a cart; When I pay; THEN the order is placed']);
  });

  it('still takes the criterion column of an ordinary criteria table', () => {
    const body = md(
      '## Acceptance criteria',
      '',
      '| Criterion | Notes |',
      '|---|---|',
      '| Export works | none |',
    );
    expect(texts(body)).toEqual(['Export works']);
  });
});
