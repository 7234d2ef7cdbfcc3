/**
 * Sign-in attempts are limited per account and per address, so guessing passwords is slow
 * whether one account is tried from many addresses or many accounts from one. The counters are
 * in Redis when REDIS_URL is set (every instance shares them), in process memory otherwise.
 * A successful sign-in clears the account's count.
 */
import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../cache/redis-client.js';
import { addressKey } from '../http/address-key.js';
import { HttpError } from '../http/errors.js';

export interface LoginLimitConfig {
  perAccount: number;
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimitConfig = { perAccount: 10, perAddress: 50, windowSeconds: 15 * 60 };

/** Limiter keys are digests: neither an address nor an e-mail address is written to Redis. */
const keyOf = (kind: string, value: string) => `${kind}:${createHash('sha256').update(value).digest('base64url').slice(0, 22)}`;

export class LoginLimits {
  private constructor(
    private readonly account: RateLimiterAbstract,
    private readonly address: RateLimiterAbstract,
  ) {}

  static memory(config: LoginLimitConfig = DEFAULT_LOGIN_LIMITS): LoginLimits {
    return new LoginLimits(
      new RateLimiterMemory({ keyPrefix: 'login-account', points: config.perAccount, duration: config.windowSeconds }),
      new RateLimiterMemory({ keyPrefix: 'login-address', points: config.perAddress, duration: config.windowSeconds }),
    );
  }

  static redis(client: RedisClient, prefix: string, config: LoginLimitConfig = DEFAULT_LOGIN_LIMITS): LoginLimits {
    const make = (name: string, points: number) =>
      new RateLimiterRedis({
        storeClient: client,
        useRedisPackage: true,
        keyPrefix: `${prefix}rl:${name}`,
        points,
        duration: config.windowSeconds,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration: config.windowSeconds }),
      });
    return new LoginLimits(make('login-account', config.perAccount), make('login-address', config.perAddress));
  }

  /** Counts an attempt; rejects with a 429 and Retry-After once either budget is spent. */
  async attempt(email: string, ip: string): Promise<void> {
    try {
      await this.address.consume(keyOf('ip', addressKey(ip)));
      await this.account.consume(keyOf('email', email));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new HttpError(429, `too many sign-in attempts; retry in ${Math.ceil(seconds / 60)} min`, undefined, { 'Retry-After': String(seconds) });
    }
  }

  async succeeded(email: string): Promise<void> {
    await this.account.delete(keyOf('email', email)).catch(() => undefined);
  }
}
