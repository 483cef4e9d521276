import { describe, expect, it } from 'vitest';
import { resolveScaling, type PaymentApiScalingProps } from '../../../lib/constructs/compute/scaling.js';
import { SCALING } from '../../support/compute.js';

const withProps = (p: Partial<PaymentApiScalingProps>): PaymentApiScalingProps => ({ ...SCALING, ...p });

describe('resolveScaling', () => {
  it('applies the defaults: 70% CPU, 08:00 up and 18:00 down', () => {
    expect(resolveScaling(SCALING)).toMatchObject({
      cpuTargetPercent: 70,
      scaleUpHour: 8,
      scaleDownHour: 18,
      desiredCapacity: 3,
    });
  });

  it.each([
    [{ minCapacity: 0 }, /minCapacity must be an integer >= 1, got 0/],
    [{ maxCapacity: 1 }, /maxCapacity must be an integer >= minCapacity \(2\), got 1/],
    [{ desiredCapacity: 7 }, /desiredCapacity must be an integer between 2 and 6, got 7/],
    [{ requestsPerTarget: 0 }, /requestsPerTarget must be an integer >= 1, got 0/],
    [{ cpuTargetPercent: 120 }, /cpuTargetPercent must be in \(0, 100\], got 120/],
  ])('rejects %o', (bad, message) => {
    expect(() => resolveScaling(withProps(bad))).toThrow(message);
  });

  it('rejects a business-hours floor outside min..max and hours in the wrong order', () => {
    expect(() =>
      resolveScaling(withProps({ weekdaySchedule: { timeZone: 'UTC', businessHoursMinCapacity: 9 } })),
    ).toThrow(/businessHoursMinCapacity must be an integer between 2 and 6, got 9/);
    expect(() =>
      resolveScaling(
        withProps({ weekdaySchedule: { timeZone: 'UTC', businessHoursMinCapacity: 3, scaleUpHour: 19 } }),
      ),
    ).toThrow(/scaleUpHour \(19\) must be before scaleDownHour \(18\)/);
  });
});
