// Puts zod in interpreter mode; imported first by every entrypoint that loads zod (the background), before any schema is built.
//
// Why: zod probes `new Function('')` to decide whether it may compile fast parsers. Extension pages and workers
// forbid eval (CSP `script-src 'self'`), so the probe fails anyway — but the browser still reports each attempt
// as a Content-Security-Policy violation (visible as extension errors). Switching it off avoids the probe.
import { config } from 'zod';

config({ jitless: true });
