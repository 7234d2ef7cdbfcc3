/** Structured logs with pino. Request bodies, IPs and keys are never logged. */
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'sightline' } });
}

export const silentLogger: Logger = pino({ level: 'silent' });
