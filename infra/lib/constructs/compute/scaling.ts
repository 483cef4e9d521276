/**
 * Capacity and scaling of the payment API, identical for Fargate tasks and EC2 instances: the flat shape of
 * `app.scaling`, whose schema validates every rule (minimum ≤ desired and weekday floor ≤ maximum, hours in order).
 */
export interface PaymentServiceScaling {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Capacity at creation. */
  readonly desiredCapacity: number;
  /** Target average CPU utilisation in percent. */
  readonly cpuTargetPercent: number;
  /** Target ALB requests per target per minute. */
  readonly requestsPerTarget: number;
  /** IANA time zone the weekday hours are expressed in, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  /** Minimum capacity from `scaleUpHour` to `scaleDownHour`, Monday to Friday. */
  readonly businessHoursMinCapacity: number;
  readonly scaleUpHour: number;
  readonly scaleDownHour: number;
}

/** One scheduled change of the capacity floor. */
export interface ScheduledFloor {
  /** Construct id of the scheduled action. */
  readonly id: 'WeekdayScaleUp' | 'WeekdayScaleDown';
  /** Cron fields, in `scaling.timeZone`. */
  readonly cron: { readonly minute: string; readonly hour: string; readonly weekDay: string };
  readonly minCapacity: number;
}

/** The weekday schedule: the business-hours floor at `scaleUpHour`, back to `minCapacity` at `scaleDownHour`. */
export function weekdaySchedule(scaling: PaymentServiceScaling): readonly ScheduledFloor[] {
  const at = (hour: number) => ({ minute: '0', hour: String(hour), weekDay: 'MON-FRI' });
  return [
    { id: 'WeekdayScaleUp', cron: at(scaling.scaleUpHour), minCapacity: scaling.businessHoursMinCapacity },
    { id: 'WeekdayScaleDown', cron: at(scaling.scaleDownHour), minCapacity: scaling.minCapacity },
  ];
}
