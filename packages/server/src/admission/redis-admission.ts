/**
 * Admission in Redis, shared by every instance: one script per group counts each request's
 * address and site and touches the visit and the real-time window of each event kept, where one
 * request at a time took three round trips (address, site, visit) and a fourth for the sighting.
 *
 * The counters are a fixed window per key, started by the key's first use, as rate-limiter-flexible's
 * RateLimiterRedis counts the stats limit, under the same key names. Sightings are kept as
 * RedisVisitState keeps them, which answers the real-time count.
 *
 * A visit is kept as "session:visitor:start" under the key of its visitor, for the idle time.
 * Redis keeps a key up to and including the millisecond it expires, so a gap of exactly the idle
 * time continues the visit; its start is Redis's own clock, as is the idle time. LocalAdmission
 * keeps visits by the same rule in process memory (MemoryVisitState.touchVisit).
 */
import { ensureReady, runScript, script, withTimeout } from '../cache/redis-commands.js';
import type { RedisClient } from '../cache/redis-client.js';
import type { DaySalt } from '../ingest/day-salt.js';
import { ACTIVE_WINDOW_MS, activeWindow } from '../ingest/active-visitors.js';
import { MAX_VISIT_MS, SESSION_TIMEOUT_MS, visitTouch } from '../ingest/sessions.js';
import { redisLimitPrefix, REFUSED_WHAT, saltedDigest, tooMany, type RateLimitConfig } from '../http/rate-limit.js';
import type { Admission, AdmissionRequest, Verdict } from './types.js';

/**
 * ARGV: the address and site limits (0 = off), the window in seconds, the visit's idle time and
 * longest life, the real-time window; then per request its shape (a: address only, s: and site,
 * v: and a visit, p: and a visit with a previous key) and, with a visit, the candidate session,
 * visitor and the sighting's time. KEYS, per request: address, site, visit, previous, window.
 *
 * Answers per request: "a" (admitted, no visit asked), "i<ms>" or "s<ms>" (refused by the address
 * or the site limit, that long before its window ends) or the visit as "session:visitor:start".
 */
const ADMIT = script(`
local ipPoints, sitePoints, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local idle, longest, seenWindow = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function over(key, points)
  if points <= 0 then return nil end
  redis.call('SET', key, 0, 'EX', window, 'NX')
  local consumed = redis.call('INCRBY', key, 1)
  local ttl = redis.call('PTTL', key)
  if ttl == -1 then
    redis.call('EXPIRE', key, window)
    ttl = 1000 * window
  end
  if consumed > points then return ttl end
  return nil
end
local function continued(key)
  local kept = redis.call('GET', key)
  if not kept then return nil end
  local started = tonumber(string.match(kept, ':(%d+)$'))
  if started and now - started <= longest then return kept end
  return nil
end
local trimmed = {}
local answers = {}
local k, a = 1, 7
while a <= #ARGV do
  local shape = ARGV[a]
  a = a + 1
  local answer = 'a'
  local wait = over(KEYS[k], ipPoints)
  k = k + 1
  if shape ~= 'a' then
    if wait then answer = 'i' .. wait else
      wait = over(KEYS[k], sitePoints)
      if wait then answer = 's' .. wait end
    end
    k = k + 1
  elseif wait then answer = 'i' .. wait end
  if shape == 'v' or shape == 'p' then
    local key = KEYS[k]
    k = k + 1
    local previous = nil
    if shape == 'p' then
      previous = KEYS[k]
      k = k + 1
    end
    local seen = KEYS[k]
    k = k + 1
    local session, visitor, at = ARGV[a], ARGV[a + 1], ARGV[a + 2]
    a = a + 3
    if answer == 'a' then
      local visit = continued(key)
      if not visit and previous then visit = continued(previous) end
      if not visit then visit = session .. ':' .. visitor .. ':' .. now end
      redis.call('SET', key, visit, 'PX', idle)
      redis.call('ZADD', seen, at, string.match(visit, '^%d+:(%d+)'))
      if not trimmed[seen] then
        trimmed[seen] = true
        redis.call('ZREMRANGEBYSCORE', seen, '-inf', '(' .. (tonumber(at) - seenWindow))
        redis.call('PEXPIRE', seen, seenWindow)
      end
      answer = visit
    end
  end
  answers[#answers + 1] = answer
end
return answers
`);

/**
 * Sites' digests under the day's secret, kept until it changes: a site sends many events a
 * second and an HMAC costs about 2 µs. Addresses are not kept, so no address sits in memory.
 */
const MAX_REMEMBERED_SITES = 10_000;

export class RedisAdmission implements Admission {
  private siteDigests = new Map<string, string>();
  private siteDigestsOf: Buffer | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly limits: RateLimitConfig,
    private readonly salt: DaySalt,
  ) {}

  async admit(requests: readonly AdmissionRequest[]): Promise<Verdict[]> {
    ensureReady(this.client);
    const secret = await this.salt.get();
    const siteDigest = this.siteDigester(secret);
    const ipPrefix = `${redisLimitPrefix(this.prefix, 'ingest-ip')}:`;
    const sitePrefix = `${redisLimitPrefix(this.prefix, 'ingest-site')}:`;
    const { ingestPerIp, ingestPerSite, windowSeconds } = this.limits;
    const keys: string[] = [];
    const args = [ingestPerIp, ingestPerSite, windowSeconds, SESSION_TIMEOUT_MS, MAX_VISIT_MS, ACTIVE_WINDOW_MS].map(String);
    for (const { address, site, visit } of requests) {
      keys.push(ipPrefix + saltedDigest(secret, address));
      if (site === undefined) {
        args.push('a');
        continue;
      }
      keys.push(sitePrefix + siteDigest(site));
      if (visit === undefined) {
        args.push('s');
        continue;
      }
      const { key, previousKey, candidate } = visitTouch(site, visit.visitor);
      keys.push(this.prefix + key);
      if (previousKey !== undefined) keys.push(this.prefix + previousKey);
      keys.push(this.prefix + activeWindow(site));
      args.push(previousKey === undefined ? 'v' : 'p', String(candidate.sessionId), String(candidate.visitorId), String(visit.at));
    }
    const answers = (await withTimeout(runScript(this.client, ADMIT, keys, args), 'admission')) as string[];
    return answers.map(verdictOf);
  }

  private siteDigester(secret: Buffer): (site: string) => string {
    if (this.siteDigestsOf !== secret) {
      this.siteDigests = new Map();
      this.siteDigestsOf = secret;
    }
    return (site) => {
      let digest = this.siteDigests.get(site);
      if (digest === undefined) {
        if (this.siteDigests.size >= MAX_REMEMBERED_SITES) this.siteDigests.clear();
        digest = saltedDigest(secret, site);
        this.siteDigests.set(site, digest);
      }
      return digest;
    };
  }
}

function verdictOf(answer: string): Verdict {
  if (answer === 'a') return { visit: undefined };
  if (answer.startsWith('i')) return { refusal: tooMany(REFUSED_WHAT['ingest-ip'], Number(answer.slice(1))) };
  if (answer.startsWith('s')) return { refusal: tooMany(REFUSED_WHAT['ingest-site'], Number(answer.slice(1))) };
  const [sessionId, visitorId] = answer.split(':');
  return { visit: { sessionId: Number(sessionId), visitorId: Number(visitorId) } };
}
