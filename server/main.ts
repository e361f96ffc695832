// Server entry point: the configured store (embedded, or MongoDB when MONGODB_URI is set) served by serve.ts.
import type { Config } from './config.ts';
import { runServer } from './serve.ts';
import type { Store } from './store/types.ts';

async function openStore(config: Config): Promise<Store> {
  // Imported on demand so an embedded-only server never loads the MongoDB driver, and vice versa.
  if (config.mongodb) {
    const { openMongoStore } = await import('./store/mongo.ts');
    return openMongoStore(config.mongodb.uri, config.mongodb.dbName, { history: config.history });
  }
  const { openEmbeddedStore } = await import('./store/embedded.ts');
  return openEmbeddedStore(config.dataDir, { history: config.history });
}

runServer(openStore);
