// The server's one logger (pino): JSON lines, with credentials redacted should they ever be passed in.
import { pino, type DestinationStream, type Logger } from 'pino';

/** Request bodies are never logged; these paths are redacted as a second line of defence. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.content',
  'err.body',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: REDACT };
  return destination ? pino(options, destination) : pino(options);
}
