// Entry of a sanitiser worker thread: registers tsx so that a plain Node worker can load the TypeScript worker, both
// under `tsx server/main.ts` and inside vitest (neither passes its TypeScript loader on to worker threads reliably).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
