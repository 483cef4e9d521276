import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderComplianceSection, TABLE_END, TABLE_START } from '../../lib/compliance/pci-dss-table.js';
import { PCI_DSS_V4_RULES } from '../../lib/compliance/pci-dss-v4-rules.js';

const docs = readFileSync(new URL('../../../docs/compliance.md', import.meta.url), 'utf8');

describe('the PCI DSS rule table in docs/compliance.md', () => {
  it('docs/compliance.md lists every rule with its requirements (regenerate with infra/scripts/compliance-table.ts)', () => {
    const start = docs.indexOf(TABLE_START);
    const end = docs.indexOf(TABLE_END);
    expect(start, 'generated block markers in docs/compliance.md').toBeGreaterThanOrEqual(0);
    expect(docs.slice(start, end + TABLE_END.length)).toBe(renderComplianceSection(PCI_DSS_V4_RULES));
    for (const rule of PCI_DSS_V4_RULES) {
      expect(docs).toContain(`| \`${rule.name}\` | \`${rule.sourceIdentifier}\` |`);
    }
  });
});
