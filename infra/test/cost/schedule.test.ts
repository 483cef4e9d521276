import { describe, expect, it } from 'vitest';
import { averageOverYear, parseSchedule, runsPerMonth, ScheduleError } from '../../cost/schedule.js';

describe('runsPerMonth', () => {
  it.each([
    ['cron(30 5 * * ? *)', 365 / 12],
    ['cron(15 */1 * * ? *)', (365 * 24) / 12],
    ['cron(15 */4 * * ? *)', (365 * 6) / 12],
    ['cron(0 6 1 * ? *)', 1],
    // 2025 has 261 weekdays.
    ['cron(0 8 ? * MON-FRI *)', 261 / 12],
    ['0 8 * * MON-FRI', 261 / 12],
    // Unix cron numbers Sunday 0 (and 7), AWS cron 1: both mean the 52 Sundays of 2025.
    ['0 8 * * 0', 52 / 12],
    ['0 8 * * 7', 52 / 12],
    ['cron(0 8 ? * 1 *)', 52 / 12],
    ['rate(30 days)', 365 / 12 / 30],
    ['rate(1 hour)', (365 / 12) * 24],
  ])('%s runs %d times a month', (expression, expected) => {
    expect(runsPerMonth(parseSchedule(expression))).toBeCloseTo(expected, 9);
  });

  it.each(['cron(0 8 L * ? *)', 'cron(0 8 ? * 2#1 *)', 'cron(0 25 * * ? *)', '0 8 * *', 'cron(0 8 * * ?)'])(
    'refuses %s instead of guessing',
    (expression) => {
      expect(() => parseSchedule(expression)).toThrow(ScheduleError);
    },
  );
});

describe('averageOverYear', () => {
  const weekday = (min: number, hour: number) => ({
    schedule: parseSchedule(`cron(0 ${hour} ? * MON-FRI *)`),
    min,
  });

  it('weighs a weekday business-hours minimum by its share of the year', () => {
    const average = averageOverYear({ min: 2, max: 6 }, [weekday(4, 8), weekday(2, 18)], (b) => b.min);
    // 261 weekdays × 10 h at 4, the rest of the 8,760 h at 2.
    expect(average).toBeCloseTo(2 + (2 * 261 * 10) / 8760, 9);
  });

  it('starts the year with the bounds the last action of the year left (a steady state)', () => {
    const average = averageOverYear(
      { min: 9, max: 9 },
      [{ schedule: parseSchedule('cron(0 0 1 7 ? *)'), min: 1 }],
      (b) => b.min,
    );
    expect(average).toBe(1);
  });

  it('holds the capacity constant without actions', () => {
    expect(averageOverYear({ min: 3, max: 5 }, [], (b) => b.max)).toBe(5);
  });
});
