/**
 * Schedules as the templates write them, evaluated over a reference year: AWS cron (`cron(m h dom mon dow y)`,
 * day of week 1-7 = SUN-SAT, as Backup and Application Auto Scaling use it), Unix cron (`m h dom mon dow`,
 * 0 or 7 = SUN, as EC2 Auto Scaling `Recurrence` uses it) and `rate(N unit)`.
 * Time zones are ignored: a weekly or monthly average does not depend on them.
 */
import { DAYS_PER_MONTH } from './prices.js';

interface CronFields {
  readonly minute: ReadonlySet<number>;
  readonly hour: ReadonlySet<number>;
  readonly dayOfMonth?: ReadonlySet<number>;
  readonly month: ReadonlySet<number>;
  /** 0 = Sunday. */
  readonly dayOfWeek?: ReadonlySet<number>;
}

export type Schedule =
  | { readonly kind: 'cron'; readonly fields: CronFields }
  | { readonly kind: 'rate'; readonly minutes: number };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export class ScheduleError extends Error {}

function parseField(
  field: string,
  min: number,
  max: number,
  names: readonly string[],
  nameBase: number,
  expr: string,
) {
  const value = (token: string): number => {
    const byName = names.indexOf(token.toUpperCase());
    const n = byName >= 0 ? byName + nameBase : Number(token);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ScheduleError(
        `schedule '${expr}': '${token}' is not a value ${min}-${max} (L, W and # are not supported)`,
      );
    }
    return n;
  };
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new ScheduleError(`schedule '${expr}': bad step in '${part}'`);
    let from: number;
    let to: number;
    if (range === '*' || range === '?') [from, to] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [from, to] = [value(a), value(b)];
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

const isWildcard = (field: string): boolean => field === '*' || field === '?';

/** Parses a schedule; syntax it does not know (`L`, `W`, `#`) throws, so no run count is guessed. */
export function parseSchedule(expression: string): Schedule {
  const expr = expression.trim();
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? '';
    const minutes = unit.startsWith('minute') ? n : unit.startsWith('hour') ? n * 60 : n * 1440;
    return { kind: 'rate', minutes };
  }
  const aws = /^cron\((.*)\)$/.exec(expr);
  const parts = (aws ? (aws[1] ?? '') : expr).trim().split(/\s+/);
  if ((aws && parts.length !== 6) || (!aws && parts.length !== 5)) {
    throw new ScheduleError(
      `schedule '${expr}': expected ${aws ? 'cron(m h dom mon dow year)' : 'm h dom mon dow'}`,
    );
  }
  const [minute = '', hour = '', dom = '', month = '', dow = ''] = parts;
  // AWS numbers days of week 1-7 from Sunday; Unix 0-7 with Sunday as 0 and 7.
  const dowSet = parseField(dow, aws ? 1 : 0, 7, DAYS, aws ? 1 : 0, expr);
  const normalizedDow = new Set([...dowSet].map((d) => (aws ? d - 1 : d % 7)));
  return {
    kind: 'cron',
    fields: {
      minute: parseField(minute, 0, 59, [], 0, expr),
      hour: parseField(hour, 0, 23, [], 0, expr),
      dayOfMonth: isWildcard(dom) ? undefined : parseField(dom, 1, 31, [], 0, expr),
      month: parseField(month, 1, 12, MONTHS, 1, expr),
      dayOfWeek: isWildcard(dow) ? undefined : normalizedDow,
    },
  };
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** 2025 is a common year that starts on a Wednesday. */
const REFERENCE_YEAR_START_WEEKDAY = 3;
export const MINUTES_PER_YEAR = 365 * 1440;

function dayMatches(f: CronFields, month: number, day: number, weekday: number): boolean {
  if (!f.month.has(month)) return false;
  const domOk = f.dayOfMonth?.has(day);
  const dowOk = f.dayOfWeek?.has(weekday);
  if (domOk === undefined && dowOk === undefined) return true;
  // Both restricted (Unix cron): either may match. One restricted: that one decides.
  if (domOk !== undefined && dowOk !== undefined) return domOk || dowOk;
  return (domOk ?? dowOk) === true;
}

/** Minutes of the reference year (0 = 1 January 00:00) at which a cron schedule fires, in order. */
function firings(f: CronFields): number[] {
  const out: number[] = [];
  const hours = [...f.hour].sort((a, b) => a - b);
  const minutes = [...f.minute].sort((a, b) => a - b);
  let dayOfYear = 0;
  MONTH_LENGTHS.forEach((length, monthIndex) => {
    for (let day = 1; day <= length; day++, dayOfYear++) {
      const weekday = (REFERENCE_YEAR_START_WEEKDAY + dayOfYear) % 7;
      if (!dayMatches(f, monthIndex + 1, day, weekday)) continue;
      for (const h of hours) for (const m of minutes) out.push(dayOfYear * 1440 + h * 60 + m);
    }
  });
  return out;
}

/** Average number of runs per month. */
export function runsPerMonth(schedule: Schedule): number {
  if (schedule.kind === 'rate') return (DAYS_PER_MONTH * 1440) / schedule.minutes;
  return firings(schedule.fields).length / 12;
}

export interface CapacityChange {
  readonly schedule: Schedule;
  readonly min?: number;
  readonly max?: number;
}

export interface CapacityBounds {
  readonly min: number;
  readonly max: number;
}

/**
 * Time-weighted average over a year of `capacityAt(bounds)`, where scheduled actions change the bounds as they
 * fire (in the order given when several fire at once). The bounds in force on 1 January are the ones the year's
 * last actions leave, as in a steady state.
 */
export function averageOverYear(
  initial: CapacityBounds,
  changes: readonly CapacityChange[],
  capacityAt: (bounds: CapacityBounds) => number,
): number {
  const events = changes
    .flatMap((c, order) => {
      if (c.schedule.kind !== 'cron')
        throw new ScheduleError('rate() schedules cannot change capacity bounds');
      return firings(c.schedule.fields).map((minute) => ({ minute, order, change: c }));
    })
    .sort((a, b) => a.minute - b.minute || a.order - b.order);
  if (events.length === 0) return capacityAt(initial);
  const apply = (b: CapacityBounds, c: CapacityChange): CapacityBounds => ({
    min: c.min ?? b.min,
    max: c.max ?? b.max,
  });
  let bounds = events.reduce((b, e) => apply(b, e.change), initial);
  let total = 0;
  let from = 0;
  for (const e of events) {
    total += (e.minute - from) * capacityAt(bounds);
    bounds = apply(bounds, e.change);
    from = e.minute;
  }
  total += (MINUTES_PER_YEAR - from) * capacityAt(bounds);
  return total / MINUTES_PER_YEAR;
}
