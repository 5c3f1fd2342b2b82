import { describe, expect, it } from 'vitest';
import { joinDashValues, parseArgs } from '../../../scripts/cli/args.ts';
import { describeCliError } from '../../../scripts/cli/output.ts';
import { reportCommand } from '../../../scripts/cli/report-command.ts';

const options = {
  body: { type: 'string', short: 'b' },
  title: { type: 'string' },
  json: { type: 'boolean' },
} as const;

describe('CLI arguments', () => {
  it('takes a string option value that starts with a dash (a Markdown list)', () => {
    const body = '- [ ] the login page loads\n- [ ] a wrong password is refused';
    const { values } = parseArgs({
      args: ['--title', 'Login', '--body', body, '--json'],
      options,
      strict: true,
    });
    expect(values).toEqual({ title: 'Login', body, json: true });
    expect(parseArgs({ args: ['-b', '-1'], options, strict: true }).values.body).toBe('-1');
  });

  it('leaves boolean options, inline values and everything after -- alone', () => {
    expect(joinDashValues(['--json', '--title=-x', '--', '--body', '-y'], options)).toEqual([
      '--json',
      '--title=-x',
      '--',
      '--body',
      '-y',
    ]);
  });

  it('still refuses an unknown option', () => {
    expect(() => parseArgs({ args: ['--nope'], options, strict: true })).toThrow(/Unknown option/);
  });
});

describe('CLI errors', () => {
  it('names a missing report file in words, not as a raw ENOENT', async () => {
    const error = await reportCommand(['/nonexistent/assay-report.xml']).catch((e: unknown) => e);
    const line = describeCliError(error);
    expect(line).toBe('/nonexistent/assay-report.xml: no such file or directory');
    expect(line).not.toContain('ENOENT');
  });

  it('keeps other errors as their message, and the stack in debug', () => {
    const error = new Error('boom');
    expect(describeCliError(error)).toBe('boom');
    expect(describeCliError(error, true)).toContain('boom');
    expect(describeCliError('text')).toBe('text');
  });
});
