import type { TestProject } from 'vitest/node';
import { startTempPostgres } from './temp-postgres.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { info, stop } = await startTempPostgres();
  project.provide('tempPostgres', info);
  return stop;
}
