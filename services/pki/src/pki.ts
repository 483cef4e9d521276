// Entry point of `npm run pki -- …` (root package.json).
import { main } from './cli.js';

// npm runs scripts from the package root; INIT_CWD is where the user typed the command.
const code = await main(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  cwd: process.env.INIT_CWD ?? process.cwd(),
  now: () => new Date(),
});
process.exitCode = code;
