import { ConfigError, loadConfig } from './config.js';
import { ensureDemoMerchant } from './demo.js';
import { createLogger } from './logger.js';
import { describeDatabase, startRuntime } from './runtime.js';

const SHUTDOWN_TIMEOUT_MS = 25_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const runtime = await startRuntime(config, process.env, logger);

  let demo: Awaited<ReturnType<typeof ensureDemoMerchant>> | null = null;
  if (config.demoMerchant)
    demo = await ensureDemoMerchant(runtime.deps.db, runtime.deps.keys, config.dataDir);

  await runtime.app.listen({ port: config.port, host: config.host });
  const address = runtime.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const scheme = config.tls ? 'https' : 'http';
  const url = `${scheme}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const clientAuth = config.tls?.clientAuth;
  logger.info(
    { url, database: describeDatabase(config), mutualTls: Boolean(clientAuth) },
    'payment API listening',
  );

  console.log(`\nTessera payment API listening on ${url}`);
  console.log(`  database: ${describeDatabase(config)}`);
  if (clientAuth) {
    console.log(
      `  mutual TLS: client certificates from ${clientAuth.caFile}, revocations ${clientAuth.revocationFile}`,
    );
  }
  // With mutual TLS the example assumes the same CA issued the server certificate (as in the README).
  const curlTls = clientAuth ? ` --cacert ${clientAuth.caFile} --cert CLIENT.pem --key CLIENT-key.pem` : '';
  if (demo?.secret) {
    console.log(`  demo merchant: ${demo.merchantId}${demo.created ? ' (created now)' : ''}`);
    console.log(`  test secret key: ${demo.secret}`);
    console.log(`\n  curl${curlTls} ${url}/v1/balance -u ${demo.secret}:`);
  } else if (demo) {
    console.log('  create a key with: npm run cli -w services/payment-api -- key create --merchant <acct_…>');
  }
  console.log('');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    runtime
      .close()
      .then(() => {
        logger.info('shutdown complete');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || (err instanceof Error && err.name === 'VaultConfigError')) {
    console.error(`configuration error: ${err.message}`);
  } else {
    console.error('failed to start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
