import { App } from 'aws-cdk-lib';
import { assertDeployable, isDeploying, resolveConfig } from '../config/index.js';
import { applyComplianceGate } from '../lib/compliance/index.js';
import { buildTessera } from '../lib/tessera.js';

const app = new App();
const config = resolveConfig(app);
if (isDeploying(app)) assertDeployable(config);
buildTessera(app, config);
applyComplianceGate(app);
app.synth();
