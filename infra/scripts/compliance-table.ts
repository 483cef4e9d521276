// Regenerates the PCI DSS rule table in docs/compliance.md from the conformance-pack data.
// Usage: npx tsx infra/scripts/compliance-table.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderComplianceSection, TABLE_END, TABLE_START } from '../lib/compliance/pci-dss-table.js';
import { PCI_DSS_V4_RULES } from '../lib/compliance/pci-dss-v4-rules.js';

const docPath = fileURLToPath(new URL('../../docs/compliance.md', import.meta.url));
const doc = readFileSync(docPath, 'utf8');
const start = doc.indexOf(TABLE_START);
const end = doc.indexOf(TABLE_END);
if (start < 0 || end < start) {
  throw new Error(
    `docs/compliance.md has no generated block; add the lines '${TABLE_START}' and '${TABLE_END}'`,
  );
}
const updated =
  doc.slice(0, start) + renderComplianceSection(PCI_DSS_V4_RULES) + doc.slice(end + TABLE_END.length);
if (process.argv.includes('--check')) {
  if (updated !== doc) {
    console.error('docs/compliance.md is out of date: run npx tsx infra/scripts/compliance-table.ts');
    process.exit(1);
  }
} else if (updated !== doc) {
  writeFileSync(docPath, updated);
  console.log('docs/compliance.md updated');
}
