// Test support: the server on jongodb, with the accommodations the stand-in needs (store/jongodb.testing.ts), for
// the bench's MongoDB phase. Production runs server/main.ts, which opens the MongoDB store as it is.
import { runServer } from '../serve.ts';
import { openJongodbStore } from '../store/jongodb.testing.ts';

runServer(async (config) => {
  if (!config.mongodb) throw new Error('jongodb-server needs MONGODB_URI (the jongodb to run on)');
  return openJongodbStore(config.mongodb.uri, config.mongodb.dbName);
});
