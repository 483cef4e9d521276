/**
 * Prices an environment's synthesized templates: every resource is priced, free, or reported as unpriced.
 * Each pricer runs twice, with the idle profile (month 1, no traffic) and the traffic profile.
 */
import { MissingPriceError, priceOf, PRICES, type Price } from './prices.js';
import { UnpricedError, type Charge, type Pricer } from './pricing.js';
import { FREE_TYPES, PRICED_TYPES } from './resource-types.js';
import { EnvironmentModel, type Resource, type StackTemplate } from './template.js';
import { idleProfile, type TrafficProfile } from './traffic/index.js';

export interface CostLine {
  readonly logicalId: string;
  readonly type: string;
  readonly charge: string;
  /** Price table item; absent when the charge is included in another line. */
  readonly item?: string;
  readonly unit: string;
  readonly idleQuantity: number;
  readonly quantity: number;
  readonly unitUsd: number;
  readonly idleMonthlyUsd: number;
  readonly monthlyUsd: number;
  readonly note: string;
}

export interface StackCost {
  readonly stack: string;
  readonly region: string;
  readonly idleMonthlyUsd: number;
  readonly monthlyUsd: number;
  readonly lines: readonly CostLine[];
  /** Resources free by themselves (see FREE_TYPES), by type. */
  readonly free: Readonly<Record<string, number>>;
}

export interface Unpriced {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

/** What one price item costs across the environment: the unit a config option would change. */
export interface Driver {
  readonly item: string;
  readonly unit: string;
  /** Resources that pay it. */
  readonly resources: number;
  readonly idleMonthlyUsd: number;
  readonly monthlyUsd: number;
}

export interface EnvironmentCost {
  readonly idleMonthlyUsd: number;
  readonly monthlyUsd: number;
  readonly stacks: readonly StackCost[];
  readonly unpriced: readonly Unpriced[];
  /** The five price items that cost most with traffic, and idle. */
  readonly topDrivers: readonly Driver[];
  readonly topIdleDrivers: readonly Driver[];
  /** Price items used whose confidence is 'verify'. */
  readonly pricesToVerify: readonly string[];
}

export interface PricingOptions {
  readonly prices?: typeof PRICES;
  readonly pricers?: Readonly<Record<string, Pricer>>;
  readonly free?: Readonly<Record<string, string>>;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

function chargesOf(
  pricer: Pricer,
  resource: Resource,
  env: EnvironmentModel,
  profile: TrafficProfile,
): readonly Charge[] {
  const charges = pricer({ resource, env, profile });
  const labels = new Set(charges.map((c) => c.label));
  if (labels.size !== charges.length) throw new Error(`pricer of ${resource.type} repeats a charge label`);
  return charges;
}

function linesOf(
  resource: Resource,
  idle: readonly Charge[],
  traffic: readonly Charge[],
  prices: typeof PRICES,
  usedPrices: Map<string, Price>,
): CostLine[] {
  const idleByLabel = new Map(idle.map((c) => [c.label, c]));
  const labels = [...new Set([...traffic.map((c) => c.label), ...idle.map((c) => c.label)])];
  return labels.map((label) => {
    const t = traffic.find((c) => c.label === label);
    const i = idleByLabel.get(label);
    const charge = (t ?? i)!;
    const region = charge.region ?? resource.stack.region;
    const price = charge.item === undefined ? undefined : priceOf(region, charge.item, prices);
    if (price && charge.item) usedPrices.set(`${region} ${charge.item}`, price);
    const quantity = t?.quantity ?? 0;
    const idleQuantity = i?.quantity ?? 0;
    for (const q of [quantity, idleQuantity]) {
      if (!Number.isFinite(q) || q < 0)
        throw new Error(`${resource.logicalId} ${label}: quantity ${q} is not a count`);
      if (price?.upTo !== undefined && q > price.upTo) {
        throw new UnpricedError(`${label}: ${q} ${price.per} is beyond the first price tier (${price.upTo})`);
      }
    }
    const unitUsd = price?.usd ?? 0;
    return {
      logicalId: resource.logicalId,
      type: resource.type,
      charge: label,
      ...(charge.item === undefined ? {} : { item: charge.item }),
      unit: price?.per ?? '—',
      idleQuantity,
      quantity,
      unitUsd,
      idleMonthlyUsd: idleQuantity * unitUsd,
      monthlyUsd: quantity * unitUsd,
      note: region === resource.stack.region ? charge.note : `${charge.note} (${region} price)`,
    };
  });
}

/** The line of a priced resource that bills nothing in its configuration (GuardDuty disabled, no Container Insights). */
function noChargeLine(resource: Resource): CostLine {
  return {
    logicalId: resource.logicalId,
    type: resource.type,
    charge: 'no billable usage',
    unit: '—',
    idleQuantity: 0,
    quantity: 0,
    unitUsd: 0,
    idleMonthlyUsd: 0,
    monthlyUsd: 0,
    note: 'nothing in this configuration is billed',
  };
}

/** Prices every resource of the stacks with the profile; unknown types and unpriceable configurations go to `unpriced`. */
export function priceEnvironment(
  stacks: readonly StackTemplate[],
  profile: TrafficProfile,
  options: PricingOptions = {},
): EnvironmentCost {
  const prices = options.prices ?? PRICES;
  const pricers = options.pricers ?? PRICED_TYPES;
  const free = options.free ?? FREE_TYPES;
  const env = new EnvironmentModel(stacks);
  const idle = idleProfile(profile);
  const unpriced: Unpriced[] = [];
  const usedPrices = new Map<string, Price>();

  const stackCosts = stacks.map((stack): StackCost => {
    const lines: CostLine[] = [];
    const freeCounts: Record<string, number> = {};
    for (const resource of env.resources().filter((r) => r.stack === stack)) {
      if (free[resource.type] !== undefined) {
        freeCounts[resource.type] = (freeCounts[resource.type] ?? 0) + 1;
        continue;
      }
      const pricer = pricers[resource.type];
      const where = { stack: stack.stackName, logicalId: resource.logicalId, type: resource.type };
      if (!pricer) {
        unpriced.push({ ...where, reason: 'resource type is neither priced nor listed as free' });
        continue;
      }
      try {
        const idleCharges = chargesOf(pricer, resource, env, idle);
        const priced = linesOf(
          resource,
          idleCharges,
          chargesOf(pricer, resource, env, profile),
          prices,
          usedPrices,
        );
        lines.push(...(priced.length > 0 ? priced : [noChargeLine(resource)]));
      } catch (e) {
        if (!(e instanceof UnpricedError || e instanceof MissingPriceError)) throw e;
        unpriced.push({ ...where, reason: e.message });
      }
    }
    return {
      stack: stack.stackName,
      region: stack.region,
      idleMonthlyUsd: sum(lines.map((l) => l.idleMonthlyUsd)),
      monthlyUsd: sum(lines.map((l) => l.monthlyUsd)),
      lines,
      free: freeCounts,
    };
  });

  const byItem = new Map<string, Driver & { ids: Set<string> }>();
  for (const s of stackCosts) {
    for (const line of s.lines.filter((l) => l.item !== undefined)) {
      const d = byItem.get(line.item!) ?? {
        item: line.item!,
        unit: line.unit,
        resources: 0,
        idleMonthlyUsd: 0,
        monthlyUsd: 0,
        ids: new Set(),
      };
      d.ids.add(`${s.stack}/${line.logicalId}`);
      byItem.set(line.item!, {
        ...d,
        resources: d.ids.size,
        idleMonthlyUsd: d.idleMonthlyUsd + line.idleMonthlyUsd,
        monthlyUsd: d.monthlyUsd + line.monthlyUsd,
      });
    }
  }
  const drivers = [...byItem.values()].map(({ ids: _ids, ...d }) => d);
  const top = (key: 'monthlyUsd' | 'idleMonthlyUsd'): Driver[] =>
    [...drivers].sort((a, b) => b[key] - a[key]).slice(0, 5);

  return {
    idleMonthlyUsd: sum(stackCosts.map((s) => s.idleMonthlyUsd)),
    monthlyUsd: sum(stackCosts.map((s) => s.monthlyUsd)),
    stacks: stackCosts,
    unpriced,
    topDrivers: top('monthlyUsd'),
    topIdleDrivers: top('idleMonthlyUsd'),
    pricesToVerify: [...usedPrices.entries()]
      .filter(([, p]) => p.confidence === 'verify')
      .map(([key]) => key)
      .sort(),
  };
}
