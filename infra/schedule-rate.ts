import type { ScheduleEntry } from './topology.types.ts';

/**
 * The rate of a schedule in minutes: its `everyMinutesSetting` variable when
 * `settings` has it (whole minutes, 1–1440), else its `everyMinutes`. The local
 * scheduler passes `process.env`, CDK the deployment's `assay:environment`, so
 * one variable sets both. A value that is not such a number is an error.
 */
export function scheduleEveryMinutes(
  name: string,
  entry: ScheduleEntry,
  settings: Readonly<Record<string, string | undefined>>,
): number {
  const raw =
    entry.everyMinutesSetting === undefined ? undefined : settings[entry.everyMinutesSetting]?.trim();
  if (raw === undefined || raw === '') return entry.everyMinutes;
  const minutes = Number(raw);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
    throw new Error(
      `Schedule "${name}": ${entry.everyMinutesSetting}=${raw} must be whole minutes between 1 and 1440`,
    );
  return minutes;
}
