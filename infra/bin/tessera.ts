import { App } from 'aws-cdk-lib';
import { ConfigError, assertDeployable, isDeploying, resolveConfig } from '../config/index.js';
import { applyComplianceGate } from '../lib/compliance/index.js';
import { buildTessera } from '../lib/tessera.js';

const app = new App();
try {
  const config = resolveConfig(app);
  if (isDeploying(app)) assertDeployable(config);
  buildTessera(app, config);
} catch (e) {
  // Configuration mistakes get their message alone, not a stack trace.
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}
applyComplianceGate(app);
app.synth();
