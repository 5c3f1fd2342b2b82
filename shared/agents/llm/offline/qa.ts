/**
 * The offline QA engineer: one test case per criterion, its steps on the
 * crawled page the criterion is about ({@link planFor}) — open it, fill the
 * named fields with typed sample values, check buttons, or for a criterion
 * about bad input submit the form with its required fields empty — or, with
 * no crawl, steps phrased from the criterion.
 *
 * @module
 */
import type { TestCase } from '../../agents.types.ts';
import {
  fieldName,
  isFillable,
  isNegative,
  negativeMode,
  type Plan,
  planFor,
  sampleValue,
} from '../../stages/plan.ts';
import type { QaInput, QaOutput } from '../../stages/schemas.ts';
import { clip } from './text.ts';

type Step = TestCase['steps'][number];

/** The test type a criterion calls for. */
export function testTypeOf(text: string): TestCase['type'] {
  if (isNegative(text)) return 'negative';
  if (
    /\b(at least|at most|maximum|minimum|limit|between|up to|\d+\s*(characters|items|seconds|minutes))\b/i.test(
      text,
    )
  )
    return 'boundary';
  if (/\b(accessib|keyboard|screen reader|label|contrast|aria)\w*/i.test(text)) return 'accessibility';
  if (/\b(permission|authori[sz]|csrf|xss|inject|secret|encrypt|role)\w*/i.test(text)) return 'security';
  return 'functional';
}

function priorityOf(text: string): TestCase['priority'] {
  if (/\b(must|shall|never|always|security|password|pay|sign|log ?in|required)\b/i.test(text)) return 'high';
  if (/\b(may|could|nice|optional)\b/i.test(text)) return 'low';
  return 'medium';
}

/** The steps of a test case on a plan (what the offline automation turns into code, in the same order). */
export function planSteps(plan: Plan, negative: boolean): Step[] {
  const title = plan.page.title?.trim();
  const steps: Step[] = [
    {
      action: `Open ${plan.path}`,
      expected: title ? `The page “${title}” is shown` : `The page ${plan.path} is shown`,
    },
  ];
  if (negative && plan.submit) {
    const names = plan.required.map((f) => `“${fieldName(f)}”`).join(', ');
    steps.push({
      action: `Leave ${names} empty and press “${plan.submit.text}”`,
      expected: `The form is not submitted: the page stays at ${plan.path} and ${names} ${plan.required.length === 1 ? 'is' : 'are'} marked required`,
    });
    return steps;
  }
  for (const field of plan.fields) {
    const name = fieldName(field);
    if (isFillable(field)) {
      const value = sampleValue(field);
      steps.push({ action: `Enter “${value}” in “${name}”`, expected: `“${name}” shows “${value}”` });
    } else if (field.type === 'checkbox' || field.type === 'radio') {
      steps.push({ action: `Tick “${name}”`, expected: `“${name}” is ticked` });
    } else if (field.type === 'select' && field.options?.[0]) {
      steps.push({ action: `Choose “${field.options[0]}” in “${name}”`, expected: `“${name}” is available` });
    } else {
      steps.push({ action: `Look for “${name}”`, expected: `“${name}” is shown` });
    }
  }
  for (const button of plan.buttons) {
    steps.push({
      action: `Look for the “${button.name}” button`,
      expected: `“${button.name}” is shown and enabled`,
    });
  }
  return steps;
}

/** The QA answer for `input`, derived from it alone. */
export function offlineQa(input: QaInput): QaOutput {
  const { requirement, crawl } = input;
  const testCases: TestCase[] = requirement.acceptanceCriteria.map((criterion, index) => {
    const type = testTypeOf(criterion.text);
    const plan = crawl ? planFor(`${requirement.title}\n${criterion.text}`, crawl) : null;
    const preconditions = crawl
      ? [`The application is running at ${crawl.startUrl}`]
      : ['The application under test is running'];
    const steps: Step[] = plan
      ? planSteps(plan, negativeMode({ type }, plan))
      : [
          {
            action: `Open the part of the application that covers “${clip(requirement.title, 200)}”`,
            expected: 'It is shown',
          },
          { action: `Exercise: ${clip(criterion.text, 1900)}`, expected: clip(criterion.text, 2000) },
        ];
    return {
      requirementId: requirement.id,
      criterionIndex: index,
      tid: criterion.tid ?? null,
      title: clip(criterion.text, 200),
      preconditions,
      steps,
      priority: priorityOf(criterion.text),
      type,
    };
  });
  return { testCases };
}
