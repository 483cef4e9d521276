import { DAYS_PER_MONTH } from '../prices.js';
import { UnpricedError, type Charge, type Pricer } from '../pricing.js';
import { parseSchedule, runsPerMonth } from '../schedule.js';
import { arrayAt, numberAt, prop, stringAt } from '../template.js';

const round = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * AWS Backup plans over Aurora clusters. Assumptions (docs/adr/0043):
 * - a continuous rule shares the cluster's point-in-time window, which the cluster line prices; only days beyond
 *   the cluster's own retention cost extra;
 * - a snapshot inside the point-in-time window is covered by the cluster's backup allowance; each older one is
 *   billed at the full database size;
 * - a copy to another region is a full copy every time ("Aurora DB cluster snapshot copies are always full
 *   copies", Aurora User Guide) and is stored full in the DR region, where no free allowance exists.
 */
export const backupPlan: Pricer = ({ resource, env, profile }) => {
  const selections = env
    .referrers(resource, 'AWS::Backup::BackupSelection')
    .filter((s) => env.pointsAt(s, prop(s.properties, 'BackupPlanId'), resource));
  if (selections.some((s) => prop(s.properties, 'BackupSelection.ListOfTags') !== undefined)) {
    throw new UnpricedError('tag-based backup selections are not priced');
  }
  const selected = selections.flatMap((s) =>
    env.targets(s.stack, prop(s.properties, 'BackupSelection.Resources')),
  );
  const other = selected.find((r) => r.type !== 'AWS::RDS::DBCluster');
  if (other) throw new UnpricedError(`backups of ${other.type} are not priced`);
  if (selected.length === 0) return [];

  const db = profile.volumes.database;
  const storageGb = db.storageGb * selected.length;
  const clusterWindow = Math.max(
    ...selected.map((c) => numberAt(c.properties, 'BackupRetentionPeriod') ?? 1),
  );
  const daysInOperation = profile.monthsInOperation * DAYS_PER_MONTH;
  const rules = arrayAt(resource.properties, 'BackupPlan.BackupPlanRule');
  const pitrWindow = Math.max(
    clusterWindow,
    ...rules
      .filter((r) => prop(r, 'EnableContinuousBackup') === true)
      .map((r) => numberAt(r, 'Lifecycle.DeleteAfterDays') ?? 0),
  );

  return rules.flatMap((rule): Charge[] => {
    const name = stringAt(rule, 'RuleName') ?? 'rule';
    if (prop(rule, 'Lifecycle.MoveToColdStorageAfterDays') !== undefined) {
      throw new UnpricedError(`rule ${name}: cold storage is not priced`);
    }
    const retention = numberAt(rule, 'Lifecycle.DeleteAfterDays') ?? Number.POSITIVE_INFINITY;
    if (prop(rule, 'EnableContinuousBackup') === true) {
      if (arrayAt(rule, 'CopyActions').length > 0)
        throw new UnpricedError(`rule ${name}: copies of continuous backups are not priced`);
      const extraDays = Math.max(0, retention - clusterWindow);
      return [
        {
          label: `${name}: continuous backup`,
          item: 'aurora.backup.gbMonth',
          quantity: db.dailyChangeGb * selected.length * extraDays,
          note: `${round(retention)}-day window; the cluster's own ${clusterWindow} days are priced on the cluster`,
        },
      ];
    }
    const perMonth = runsPerMonth(parseSchedule(stringAt(rule, 'ScheduleExpression') ?? ''));
    const perDay = perMonth / DAYS_PER_MONTH;
    const heldDays = Math.min(retention, daysInOperation);
    const billedSnapshots = perDay * Math.max(0, heldDays - pitrWindow);
    const charges: Charge[] = [
      {
        label: `${name}: snapshots`,
        item: 'backup.aurora.snapshot.gbMonth',
        quantity: billedSnapshots * storageGb,
        note: `${round(perMonth)} a month kept ${round(retention)} days; ${round(billedSnapshots)} older than the ${pitrWindow}-day point-in-time window, billed at full size`,
      },
    ];
    for (const copy of arrayAt(rule, 'CopyActions')) {
      const arn = stringAt(copy, 'DestinationBackupVaultArn');
      const region = arn?.split(':')[3];
      if (!region) throw new UnpricedError(`rule ${name}: copy destination is not a literal vault ARN`);
      const copyRetention = numberAt(copy, 'Lifecycle.DeleteAfterDays') ?? Number.POSITIVE_INFINITY;
      const heldCopies = perDay * Math.min(copyRetention, daysInOperation);
      if (region !== resource.stack.region) {
        charges.push({
          label: `${name}: copy transfer to ${region}`,
          item: 'dataTransfer.interRegion.gb',
          quantity: perMonth * storageGb,
          note: `${round(perMonth)} full copies a month × ${storageGb} GB`,
        });
      }
      charges.push({
        label: `${name}: copies stored in ${region}`,
        item: 'backup.aurora.snapshot.gbMonth',
        region,
        quantity: heldCopies * storageGb,
        note: `${round(heldCopies)} copies kept ${round(copyRetention)} days, each full size`,
      });
    }
    return charges;
  });
};
