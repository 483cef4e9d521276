/** Renders priced environments: a text report, the `--json` document, and the README cost section. */
import type { Driver, EnvironmentCost, StackCost } from './engine.js';
import { PRICE_TABLE_VERSION } from './prices.js';
import { targetVerdict, type TargetVerdict } from './targets.js';
import type { TrafficProfile } from './traffic/index.js';

export interface PricedEnvironment {
  readonly envName: string;
  /** How the README table names the row. @default envName */
  readonly label?: string;
  readonly compute: string;
  readonly profile: TrafficProfile;
  readonly cost: EnvironmentCost;
}

const cents = (n: number): number => Math.round(n * 100) / 100;
const usd = (n: number): string =>
  `$${cents(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const quantity = (n: number): string =>
  Number.isInteger(n) ? String(n) : n < 0.01 && n > 0 ? n.toExponential(2) : n.toFixed(2);

function freeSummary(stack: StackCost): string {
  const entries = Object.entries(stack.free);
  const total = entries.reduce((n, [, count]) => n + count, 0);
  return total === 0
    ? ''
    : `  + ${total} resource(s) free by themselves (${entries.map(([t, n]) => `${t} ×${n}`).join(', ')})`;
}

function table(rows: readonly (readonly string[])[], rightAligned: readonly number[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** The human-readable report of one environment. */
export function renderText(priced: PricedEnvironment): string {
  const { envName, compute, profile, cost } = priced;
  const out: string[] = [
    `== ${envName} (compute ${compute}): idle ${usd(cost.idleMonthlyUsd)}/month, with traffic ${usd(cost.monthlyUsd)}/month`,
    `   traffic: ${profile.basis} (month ${profile.monthsInOperation}); idle: month 1, no traffic`,
    `   prices: list prices of price table ${PRICE_TABLE_VERSION}` +
      (cost.pricesToVerify.length > 0
        ? `; to re-verify before quoting: ${cost.pricesToVerify.join(', ')}`
        : ''),
  ];
  for (const stack of cost.stacks) {
    out.push(
      '',
      `${stack.stack} (${stack.region}): idle ${usd(stack.idleMonthlyUsd)}, with traffic ${usd(stack.monthlyUsd)}`,
    );
    const rows = [
      ['logical id', 'type', 'charge', 'quantity', 'unit', 'unit USD', 'idle USD', 'monthly USD', 'how'],
      ...stack.lines.map((l) => [
        l.logicalId,
        l.type,
        l.charge,
        quantity(l.quantity),
        l.unit,
        String(l.unitUsd),
        cents(l.idleMonthlyUsd).toFixed(2),
        cents(l.monthlyUsd).toFixed(2),
        l.note,
      ]),
    ];
    out.push(...table(rows, [3, 5, 6, 7]).map((line) => `  ${line}`));
    const free = freeSummary(stack);
    if (free) out.push(free);
  }
  const drivers = (title: string, list: EnvironmentCost['topDrivers']): void => {
    out.push('', title);
    list.forEach((d, i) =>
      out.push(
        `  ${i + 1}. ${d.item} (${d.unit}, ${d.resources} resource(s)): ${usd(d.monthlyUsd)} with traffic, ${usd(d.idleMonthlyUsd)} idle`,
      ),
    );
  };
  drivers(`Top cost drivers of ${envName}, idle:`, cost.topIdleDrivers);
  drivers(`Top cost drivers of ${envName}, with traffic:`, cost.topDrivers);
  const verdict = targetVerdict(envName, cost);
  if (verdict) out.push('', ...verdictLines(envName, verdict));
  if (cost.unpriced.length > 0) {
    out.push(
      '',
      `UNPRICED in ${envName}:`,
      ...cost.unpriced.map((u) => `  ${u.stack} ${u.logicalId} (${u.type}): ${u.reason}`),
    );
  }
  return out.join('\n');
}

/** The target line, and when it is missed, what each control that stays costs idle. */
export function verdictLines(envName: string, verdict: TargetVerdict): string[] {
  const { target, met, overByUsd, controls } = verdict;
  const head = `Target of ${envName} (${target.basis}): idle at most ${usd(target.idleMonthlyUsd)}`;
  if (met) return [`${head}: met, ${usd(-overByUsd)} under it`];
  return [
    `${head}: MISSED by ${usd(overByUsd)}. The controls that stay and their idle cost (why: ${target.adr}):`,
    ...controls.map((c) => `  - ${c.control}: ${usd(c.idleMonthlyUsd)}`),
  ];
}

/** The README's target cell of one row. */
function targetCell(envName: string, cost: EnvironmentCost): string {
  const verdict = targetVerdict(envName, cost);
  if (!verdict) return '—';
  const { target, met, overByUsd } = verdict;
  return met
    ? `≤ ${usd(target.idleMonthlyUsd)}: met`
    : `≤ ${usd(target.idleMonthlyUsd)}: missed by ${usd(overByUsd)} ([ADR 0049](${target.adr}))`;
}

const roundDriver = (d: Driver): Driver => ({
  ...d,
  idleMonthlyUsd: cents(d.idleMonthlyUsd),
  monthlyUsd: cents(d.monthlyUsd),
});

/** The `--json` entry of one environment. */
export function toJson(priced: PricedEnvironment): Record<string, unknown> {
  const { envName, compute, profile, cost } = priced;
  const verdict = targetVerdict(envName, cost);
  return {
    compute,
    monthlyUsd: cents(cost.monthlyUsd),
    idleMonthlyUsd: cents(cost.idleMonthlyUsd),
    priceTable: PRICE_TABLE_VERSION,
    traffic: { basis: profile.basis, monthsInOperation: profile.monthsInOperation },
    stacks: cost.stacks.map((s) => ({
      stack: s.stack,
      region: s.region,
      monthlyUsd: cents(s.monthlyUsd),
      idleMonthlyUsd: cents(s.idleMonthlyUsd),
      lines: s.lines.map((l) => ({
        ...l,
        idleMonthlyUsd: cents(l.idleMonthlyUsd),
        monthlyUsd: cents(l.monthlyUsd),
      })),
      free: s.free,
    })),
    topDrivers: cost.topDrivers.map(roundDriver),
    topIdleDrivers: cost.topIdleDrivers.map(roundDriver),
    pricesToVerify: cost.pricesToVerify,
    ...(verdict
      ? {
          target: {
            idleMonthlyUsd: verdict.target.idleMonthlyUsd,
            met: verdict.met,
            overByUsd: cents(verdict.overByUsd),
            controls: verdict.controls.map((c) => ({ ...c, idleMonthlyUsd: cents(c.idleMonthlyUsd) })),
            adr: verdict.target.adr,
          },
        }
      : {}),
    unpriced: cost.unpriced,
  };
}

export const README_START = '<!-- cost:start (generated by `npm run cost -- --readme`; do not edit) -->';
export const README_END = '<!-- cost:end -->';

/**
 * The partner API switched on for an estimate: example names, and the infra test CA standing in for the
 * operator's (the CA does not change the price; the deploy preflight refuses it).
 */
export const PARTNER_API_ESTIMATE: Readonly<Record<string, string>> = {
  'api.enabled': 'true',
  'api.domainName': 'partner.pay.example.com',
  'api.hostedZone.id': 'Z0123456789ABC',
  'api.hostedZone.name': 'pay.example.com',
  'api.truststoreFile': 'infra/test/support/partner-ca/truststore.pem',
  'api.revocationListFile': 'infra/test/support/partner-ca/revocations.json',
  'app.tls.hostedZone.id': 'Z0123456789ABC',
  'app.tls.hostedZone.name': 'pay.example.com',
  'app.tls.domainName': 'api.pay.example.com',
};

export interface ReadmeRow {
  readonly envName: string;
  readonly compute?: string;
  /** @default envName */
  readonly label?: string;
  /** Further `-c` overrides. @default - none */
  readonly context?: Readonly<Record<string, string>>;
}

/**
 * The environments the README table shows: each in its configured compute mode, prod on EC2 and on EKS, and prod with the
 * partner API (off in the shipped environments).
 */
export const README_ROWS: readonly ReadmeRow[] = [
  { envName: 'dev' },
  { envName: 'staging' },
  { envName: 'prod' },
  { envName: 'prod', compute: 'ec2' },
  { envName: 'prod', compute: 'eks' },
  { envName: 'prod', label: 'prod + partner API', context: PARTNER_API_ESTIMATE },
];

/** The `-c` context of a README row. */
export function readmeRowContext(row: ReadmeRow): Record<string, string> {
  return { ...(row.compute ? { compute: row.compute } : {}), ...row.context };
}

/** The generated block of the README's Cost section (markers included). */
export function renderReadmeSection(rows: readonly PricedEnvironment[]): string {
  const verify = new Set(rows.flatMap((r) => r.cost.pricesToVerify));
  const lines = [
    README_START,
    '| environment | compute | idle $/month | idle target | with traffic $/month | traffic profile | largest idle items |',
    '| --- | --- | ---: | --- | ---: | --- | --- |',
    ...rows.map(({ envName, label, compute, profile, cost }) => {
      const drivers = cost.topIdleDrivers
        .slice(0, 3)
        .map((d) => `${d.item} ${usd(d.idleMonthlyUsd)}`)
        .join('; ');
      return `| ${label ?? envName} | ${compute} | ${usd(cost.idleMonthlyUsd)} | ${targetCell(envName, cost)} | ${usd(cost.monthlyUsd)} | ${profile.basis} | ${drivers} |`;
    }),
    '',
    `List prices of price table ${PRICE_TABLE_VERSION} (\`infra/cost/prices.ts\`; ${verify.size} items there are marked to re-verify before quoting).`,
    README_END,
  ];
  return lines.join('\n');
}

/** Replaces the generated block in `readme`; throws when the markers are missing. */
export function replaceReadmeSection(readme: string, section: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) {
    throw new Error(
      `README.md has no generated cost block: add the lines '${README_START}' and '${README_END}'`,
    );
  }
  return readme.slice(0, start) + section + readme.slice(end + README_END.length);
}
