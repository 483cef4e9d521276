import { PCI_DSS_REQUIREMENTS } from './pci-dss-requirements.js';
import type { PciConfigRule } from './pci-dss-v4-rules.js';

/** Markers around the generated table in docs/compliance.md. */
export const TABLE_START =
  '<!-- pci-config-rules:start (generated from infra/lib/compliance/pci-dss-v4-rules.ts) -->';
export const TABLE_END = '<!-- pci-config-rules:end -->';

/** The rule → requirement table, as Markdown, in the order the rules are declared. */
export function renderPciRuleTable(rules: readonly PciConfigRule[]): string {
  const lines = [
    '| Service | AWS Config rule | Managed rule identifier | Evidence when COMPLIANT | PCI DSS v4.0.1 |',
    '|---|---|---|---|---|',
    ...rules.map(
      (rule) =>
        `| ${rule.service} | \`${rule.name}\` | \`${rule.sourceIdentifier}\` | ${rule.evidence} | ${rule.requirements.join(', ')} |`,
    ),
  ];
  return lines.join('\n');
}

/** The requirements referenced by at least one rule, with their paraphrase, as a Markdown table. */
export function renderRequirementIndex(rules: readonly PciConfigRule[]): string {
  const used = new Set(rules.flatMap((rule) => rule.requirements));
  const ids = (Object.keys(PCI_DSS_REQUIREMENTS) as (keyof typeof PCI_DSS_REQUIREMENTS)[]).filter((id) =>
    used.has(id),
  );
  return [
    '| Requirement | Paraphrase | Config rules |',
    '|---|---|---|',
    ...ids.map((id) => {
      const names = rules.filter((rule) => rule.requirements.includes(id)).map((rule) => `\`${rule.name}\``);
      return `| ${id} | ${PCI_DSS_REQUIREMENTS[id]} | ${names.join(', ')} |`;
    }),
  ].join('\n');
}

/** The whole generated block (markers included) for docs/compliance.md. */
export function renderComplianceSection(rules: readonly PciConfigRule[]): string {
  return [
    TABLE_START,
    '',
    renderPciRuleTable(rules),
    '',
    '### Requirement index',
    '',
    renderRequirementIndex(rules),
    '',
    TABLE_END,
  ].join('\n');
}
