import { describe, expect, it } from 'vitest';
import { weekdaySchedule } from '../../../lib/constructs/compute/scaling.js';
import { SCALING } from '../../support/compute.js';

describe('weekdaySchedule', () => {
  it('raises the floor to the business-hours minimum at scaleUpHour and lowers it at scaleDownHour, Monday to Friday', () => {
    expect(weekdaySchedule({ ...SCALING, scaleUpHour: 7, scaleDownHour: 19 })).toEqual([
      { id: 'WeekdayScaleUp', cron: { minute: '0', hour: '7', weekDay: 'MON-FRI' }, minCapacity: 4 },
      { id: 'WeekdayScaleDown', cron: { minute: '0', hour: '19', weekDay: 'MON-FRI' }, minCapacity: 2 },
    ]);
  });
});
