// Prices the synthesized templates: npm run cost -- --help
import { fileURLToPath } from 'node:url';
import { runCost } from '../cost/cli.js';

process.exitCode = runCost(process.argv.slice(2), {
  stdout: (text) => console.log(text),
  stderr: (text) => console.error(text),
  readmePath: fileURLToPath(new URL('../../README.md', import.meta.url)),
});
