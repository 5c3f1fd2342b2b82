import { describe, expect, it } from 'vitest';
import { isCriteriaLabel, normalizeLabel } from '../../../shared/checklists/extract/index.ts';

describe('isCriteriaLabel', () => {
  it.each([
    'Acceptance criteria',
    'ACCEPTANCE CRITERIA:',
    'acceptance criterion',
    'Acceptance Criteria (AC)',
    'MVP acceptance criteria',
    'Acceptance criteria for the export',
    '✅ Acceptance Criteria',
    '3. Acceptance criteria',
    'h3. Acceptance Criteria:',
    'AC',
    'AC:',
    'ac',
    'A.C.',
    'ACs',
    'AC / DoD',
    'Definition of Done',
    'DoD:',
    'Requirements',
    'Functional requirements',
    'Success criteria',
    'Expected behaviour',
    'Expected behavior:',
    'Expected Result',
    'Expected results',
    'Expected',
    'What did you expect to happen?',
    'Must have',
    'Criterios de aceptación',
    'criterios de aceptacion',
    'Critères d’acceptation',
    "Critères d'acceptation",
    'Akzeptanzkriterien',
    'Critérios de aceitação',
    'Criteri di accettazione',
    'Acceptatiecriteria',
    '受け入れ基準',
    '验收标准：',
    'Критерии приёмки',
    '인수 조건',
  ])('accepts %j', (label) => {
    expect(isCriteriaLabel(label)).toBe(true);
  });

  it.each([
    'Description',
    'Steps to reproduce',
    'Actual behaviour',
    'Screenshots',
    'Notes',
    'Out of scope',
    'Expected to ship in Q3',
    'Requirements for this are unclear, can someone clarify?',
    'Are the acceptance criteria written yet?',
    'The acceptance criteria are in the doc. Please read them.',
    'Tasks',
    'Acceptance testing environment setup notes for the team',
    "Won't have",
    '',
  ])('rejects %j', (label) => {
    expect(isCriteriaLabel(label)).toBe(false);
  });

  it('normalizes decorations away', () => {
    expect(normalizeLabel('  **✅ 2. Acceptance Criteria (draft):** ')).toBe('acceptance criteria');
  });
});
