/**
 * Vocabulary of criteria labels — "Acceptance criteria", "AC", "Definition of
 * done", "Requirements", "Success criteria", "Expected behaviour" and their
 * equivalents in Spanish, French, German, Portuguese, Italian, Dutch, Polish,
 * Russian, Swedish, Turkish, Japanese, Chinese and Korean — and of other
 * issue-template fields. Patterns apply to normalized labels: lower case, no
 * diacritics, no decorations.
 */

/** Phrases that may be preceded by up to two qualifier words ("MVP acceptance criteria"). */
const QUALIFIABLE = [
  'acceptance criteri(?:a|on|as)',
  'acceptance (?:tests?|conditions?)',
  'definition of done',
  'success criteria',
  'exit criteria',
  'completion criteria',
  'done criteria',
  'expected (?:behaviou?rs?|results?|outcomes?|output)',
  'desired (?:behaviou?r|outcome)',
  'criterios? de aceptacion',
  'criteres? d.accep(?:tation|tance)',
  'criterios? de aceit(?:acao|e)',
  'criteri di accettazione',
  'kryteria akceptacji',
  // "Acceptance tests", which teams write the criteria under as well.
  'tests? d.accep(?:tation|tance)',
  '(?:pruebas?|tests?) de aceptacion',
  'testes? de aceitacao',
  'test di accettazione',
  'testy akceptacyjne',
  'критерии (?:приемки|приема|принятия)',
];

/** Phrases that must open the label. */
const STRICT = [
  'a\\.?c\\.?',
  'acs',
  "ac's",
  'dod',
  'done when',
  'criteria',
  '(?:functional |non-functional |technical |business |product |user |key |core )?requirements?',
  'expected',
  'what (?:did|do) you expect(?:ed)?(?: to (?:happen|see))?',
  'what should happen',
  'must[- ]haves?',
  'should[- ]haves?',
  'definicion de (?:hecho|terminado|listo|done)',
  'requisitos?',
  'comportamiento esperado',
  'resultados? esperados?',
  'criterios de exito',
  'definition (?:de|du) (?:fini|termine|done)',
  'exigences',
  'comportement attendu',
  'resultats? attendus?',
  'criteres de (?:succes|reussite)',
  'akzeptanzkriterien',
  'akzeptanztests?',
  'abnahmetests?',
  'abnahmekriterien',
  'anforderungen',
  'erwartetes (?:verhalten|ergebnis)',
  'erwartete ergebnisse',
  'definicao de (?:pronto|concluido|feito)',
  'comportamento (?:esperado|atteso)',
  'risultat[oi] attes[oi]',
  'requisiti',
  'definizione di (?:fatto|completato)',
  'acceptatie ?criteria',
  'acceptatie ?tests?',
  'vereisten',
  'eisen',
  'verwacht (?:gedrag|resultaat)',
  'acceptanskriterier',
  'kabul kriterleri',
  '受け入れ(?:基準|条件)',
  '受入(?:基準|条件)',
  '完了条件',
  '要件',
  '期待(?:される)?(?:動作|結果|挙動|値)',
  '验收(?:标准|条件|准则)',
  '驗收(?:標準|條件)',
  '完成(?:标准|的定义)',
  '需求',
  '(?:预期|期望)(?:行为|结果)',
  '인수 ?(?:조건|기준)',
  '수용 ?기준',
  '완료 ?조건',
  '(?:기대|예상) ?(?:동작|결과)',
];

const SEPARATOR = String.raw`(?:$|\s*[-–—:/|&,(+])`;
const WIDE_TAIL = String.raw`(?:$|\s*[-–—:/|&,(+]|\s+(?:and|or|for|of|in|on|to|from|y|et|und|e|en|v\d)\b)`;
/** A criteria label, matched against {@link normalizeLabel} output. */
export const LABEL = new RegExp(
  `^(?:(?:(?:[\\p{L}\\p{N}-]+\\s+){0,2}(?:${QUALIFIABLE.join('|')})${WIDE_TAIL})|(?:(?:${STRICT.join('|')})${SEPARATOR}))`,
  'u',
);

/** Field labels of issue templates that are not criteria and close a criteria section. */
export const OTHER_FIELD = new RegExp(
  '^(?:notes?|nb|ps|context|background|environment|env|versions?|os|browser|device|screenshots?|logs?|' +
    'workaround|actual(?: behaviou?r| results?| outcome)?|steps(?: to reproduce)?|repro(?:duction)?(?: steps)?|' +
    'additional (?:context|info|information|notes)|related(?: issues?)?|see also|links?|references?|' +
    'out of scope|non-goals?|open questions?|questions?|design|mockups?|cc|fyi|description|summary|' +
    'problem(?: statement)?|motivation|impact|priority|estimate|story points?|labels?|assignee|sprint|epic|' +
    'tasks?|implementation(?: notes)?|technical notes|dependencies|risks?|alternatives(?: considered)?|' +
    'comportamiento actual|comportement actuel|tatsachliches verhalten|resultado atual)$',
  'u',
);
