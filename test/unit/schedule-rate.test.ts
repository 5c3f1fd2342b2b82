import { describe, expect, it } from 'vitest';
import { scheduleEveryMinutes } from '../../infra/schedule-rate.ts';
import { topology } from '../../infra/topology.ts';

const sweeper = topology.schedules['sweep-webhook-deliveries'];

describe('schedule rates', () => {
  it('runs the sweeper every 5 minutes unless ASSAY_WEBHOOK_SWEEP_EVERY_MINUTES says otherwise', () => {
    expect(sweeper.everyMinutesSetting).toBe('ASSAY_WEBHOOK_SWEEP_EVERY_MINUTES');
    expect(scheduleEveryMinutes('sweep', sweeper, {})).toBe(5);
    expect(scheduleEveryMinutes('sweep', sweeper, { ASSAY_WEBHOOK_SWEEP_EVERY_MINUTES: ' ' })).toBe(5);
    expect(scheduleEveryMinutes('sweep', sweeper, { ASSAY_WEBHOOK_SWEEP_EVERY_MINUTES: '1' })).toBe(1);
    expect(scheduleEveryMinutes('sweep', sweeper, { ASSAY_WEBHOOK_SWEEP_EVERY_MINUTES: '60' })).toBe(60);
  });

  it('refuses a rate that is not whole minutes between 1 and 1440', () => {
    for (const value of ['0', '-5', '2.5', '1441', 'five']) {
      expect(() =>
        scheduleEveryMinutes('sweep', sweeper, { ASSAY_WEBHOOK_SWEEP_EVERY_MINUTES: value }),
      ).toThrow(/ASSAY_WEBHOOK_SWEEP_EVERY_MINUTES=.* must be whole minutes between 1 and 1440/);
    }
  });
});
