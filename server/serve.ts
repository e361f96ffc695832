// The server process: read config → open the store → build the app → listen; finish in-flight requests on signals.
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createHttpServer } from './http-server.ts';
import { createLogger } from './logger.ts';
import { createSanitizerPool } from './sanitizer/pool.ts';
import type { Store } from './store/types.ts';

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Runs the server on the store `openStore` opens for the config: main.ts passes the configured store; the bench's
 * stand-in server (server/test/jongodb-server.ts) passes the MongoDB store with the test harness's accommodations.
 */
export async function serve(openStore: (config: Config) => Promise<Store>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const store = await openStore(config);
  const sanitizer = createSanitizerPool();
  const app = createApp({ config, store, sanitizer, logger });
  const server = createHttpServer(app.callback(), config.http);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info({ store: store.kind }, `listening on http://${host}:${port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Stop accepting, let in-flight requests finish, then close the sanitiser threads and the store.
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    server.close(async () => {
      clearTimeout(force);
      try {
        await sanitizer.close();
        await store.close();
        logger.info('stopped');
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'closing the store failed');
        process.exit(1);
      }
    });
    server.closeIdleConnections();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}


/** Runs `serve` as the process's entry point: a start-up failure is one line on stderr and exit code 1. */
export function runServer(openStore: (config: Config) => Promise<Store>): void {
  serve(openStore).catch((error: unknown) => {
    process.stderr.write(`Server failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
