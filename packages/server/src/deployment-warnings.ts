/** What a configuration that starts fine still gets wrong for its deployment, said once at start-up. */
import type { Config } from './config.js';

export function deploymentWarnings(config: Pick<Config, 'store' | 'redisUrl'>): string[] {
  const warnings: string[] = [];
  if (config.store.kind === 'mongo' && config.redisUrl === undefined) {
    warnings.push(
      'MongoDB without REDIS_URL: open visits, rate limits and cached answers are kept per server, so behind a load balancer with several servers a visitor moving between them starts new visits and each server allows the full rate; set REDIS_URL to share them',
    );
  }
  return warnings;
}
