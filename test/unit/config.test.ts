import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, queueUrlVariable } from '../../shared/config.ts';

describe('config', () => {
  it('works with no environment at all (local defaults)', () => {
    const config = loadConfig({});
    expect(config.ASSAY_RUNTIME).toBe('local');
    expect(config.PORT).toBe(3000);
    expect(config.ASSAY_DATA_DIR).toBe('.assay');
    expect(config.ASSAY_GITHUB_API_URL).toBe('https://api.github.com');
    expect(config.ASSAY_GITHUB_OIDC_ISSUER).toBe('https://token.actions.githubusercontent.com');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every missing key at once on AWS', () => {
    let caught: unknown;
    try {
      loadConfig({ ASSAY_RUNTIME: 'aws', ASSAY_S3_BUCKET: '' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('ASSAY_DB_HOST');
    expect(message).toContain('ASSAY_DB_SECRET_ARN');
    expect(message).toContain('ASSAY_S3_BUCKET');
  });

  it('reports every invalid value at once', () => {
    expect(() => loadConfig({ PORT: 'eighty', ASSAY_GITHUB_API_URL: 'not a url' })).toThrow(
      /PORT[\s\S]*ASSAY_GITHUB_API_URL|ASSAY_GITHUB_API_URL[\s\S]*PORT/,
    );
  });

  it('takes a database session role locally, as a plain role name, and refuses it on AWS', () => {
    expect(loadConfig({}).ASSAY_DB_SESSION_ROLE).toBeUndefined();
    expect(loadConfig({ ASSAY_DB_SESSION_ROLE: '' }).ASSAY_DB_SESSION_ROLE).toBeUndefined();
    expect(loadConfig({ ASSAY_DB_SESSION_ROLE: 'assay_owner' }).ASSAY_DB_SESSION_ROLE).toBe('assay_owner');
    expect(() => loadConfig({ ASSAY_DB_SESSION_ROLE: 'owner"; drop table orgs; --' })).toThrow(
      /ASSAY_DB_SESSION_ROLE/,
    );
    expect(() =>
      loadConfig({
        ASSAY_RUNTIME: 'aws',
        ASSAY_DB_HOST: 'proxy',
        ASSAY_DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:db',
        ASSAY_DB_SESSION_ROLE: 'assay_owner',
      }),
    ).toThrow(/ASSAY_DB_SESSION_ROLE: not used when ASSAY_RUNTIME=aws/);
  });

  it('collects queue URLs by their variable names', () => {
    expect(queueUrlVariable('report-intake')).toBe('ASSAY_QUEUE_URL_REPORT_INTAKE');
    const config = loadConfig({ ASSAY_QUEUE_URL_INTAKE: 'https://sqs/intake' });
    expect(config.queueUrls).toEqual({ INTAKE: 'https://sqs/intake' });
  });
});
