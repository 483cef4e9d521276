/** Business-hours schedule on weekdays: a higher floor during the day, the normal floor at night. */
export interface WeekdayScheduleProps {
  /** IANA time zone the hours are expressed in, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  /** Minimum capacity from the scale-up hour to the scale-down hour, Monday to Friday. */
  readonly businessHoursMinCapacity: number;
  /**
   * @default 8
   */
  readonly scaleUpHour?: number;
  /**
   * @default 18
   */
  readonly scaleDownHour?: number;
}

/** Capacity and scaling policy of the payment API, identical for Fargate tasks and EC2 instances. */
export interface PaymentApiScalingProps {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /**
   * @default minCapacity
   */
  readonly desiredCapacity?: number;
  /**
   * Target average CPU utilisation in percent.
   * @default 70
   */
  readonly cpuTargetPercent?: number;
  /** Target ALB requests per target per minute. */
  readonly requestsPerTarget: number;
  readonly weekdaySchedule: WeekdayScheduleProps;
}

/** The values a scaling implementation needs, validated and with defaults applied. */
export interface ResolvedScaling {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity: number;
  readonly cpuTargetPercent: number;
  readonly requestsPerTarget: number;
  readonly timeZone: string;
  readonly businessHoursMinCapacity: number;
  readonly scaleUpHour: number;
  readonly scaleDownHour: number;
}

export function resolveScaling(props: PaymentApiScalingProps): ResolvedScaling {
  const resolved: ResolvedScaling = {
    minCapacity: props.minCapacity,
    maxCapacity: props.maxCapacity,
    desiredCapacity: props.desiredCapacity ?? props.minCapacity,
    cpuTargetPercent: props.cpuTargetPercent ?? 70,
    requestsPerTarget: props.requestsPerTarget,
    timeZone: props.weekdaySchedule.timeZone,
    businessHoursMinCapacity: props.weekdaySchedule.businessHoursMinCapacity,
    scaleUpHour: props.weekdaySchedule.scaleUpHour ?? 8,
    scaleDownHour: props.weekdaySchedule.scaleDownHour ?? 18,
  };
  const { minCapacity, maxCapacity, desiredCapacity, businessHoursMinCapacity } = resolved;
  if (!Number.isInteger(minCapacity) || minCapacity < 1) {
    throw new Error(`scaling minCapacity must be an integer >= 1, got ${minCapacity}`);
  }
  if (!Number.isInteger(maxCapacity) || maxCapacity < minCapacity) {
    throw new Error(
      `scaling maxCapacity must be an integer >= minCapacity (${minCapacity}), got ${maxCapacity}`,
    );
  }
  if (!Number.isInteger(desiredCapacity) || desiredCapacity < minCapacity || desiredCapacity > maxCapacity) {
    throw new Error(
      `scaling desiredCapacity must be an integer between ${minCapacity} and ${maxCapacity}, got ${desiredCapacity}`,
    );
  }
  if (
    !Number.isInteger(businessHoursMinCapacity) ||
    businessHoursMinCapacity < minCapacity ||
    businessHoursMinCapacity > maxCapacity
  ) {
    throw new Error(
      `scaling businessHoursMinCapacity must be an integer between ${minCapacity} and ${maxCapacity}, got ${businessHoursMinCapacity}`,
    );
  }
  if (resolved.cpuTargetPercent <= 0 || resolved.cpuTargetPercent > 100) {
    throw new Error(`scaling cpuTargetPercent must be in (0, 100], got ${resolved.cpuTargetPercent}`);
  }
  if (!Number.isInteger(resolved.requestsPerTarget) || resolved.requestsPerTarget < 1) {
    throw new Error(`scaling requestsPerTarget must be an integer >= 1, got ${resolved.requestsPerTarget}`);
  }
  for (const [name, hour] of [
    ['scaleUpHour', resolved.scaleUpHour],
    ['scaleDownHour', resolved.scaleDownHour],
  ] as const) {
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
      throw new Error(`scaling ${name} must be an integer hour 0-23, got ${hour}`);
    }
  }
  if (resolved.scaleUpHour >= resolved.scaleDownHour) {
    throw new Error(
      `scaling scaleUpHour (${resolved.scaleUpHour}) must be before scaleDownHour (${resolved.scaleDownHour})`,
    );
  }
  return resolved;
}
