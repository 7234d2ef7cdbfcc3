/**
 * The Docker deployment, checked structurally: no Docker engine runs here, so Debian's
 * docker-compose (v1, which parses and validates without an engine) resolves the compose file,
 * python3-yaml (its own dependency) turns the result into JSON, and the assertions read that.
 * Locally a missing docker-compose skips with a note; under CI=true it fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SCRIPT_FILE } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_DASHBOARD_DIR } from '../../src/web/dashboard-route.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const COMPOSE_FILE = path.join(ROOT, 'docker/docker-compose.yml');
const DOCKERFILE = path.join(ROOT, 'docker/Dockerfile');
const INSTALL_HINT = 'apt-get install -y docker-compose (it brings python3-yaml)';

function composeAvailable(): boolean {
  const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  if (probe.status === 0) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but docker-compose cannot run: ${INSTALL_HINT}`);
  console.warn(`skipped: docker-compose is not installed, so the compose file was not validated (${INSTALL_HINT})`);
  return false;
}

interface Healthcheck {
  test: string[];
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | null>;
  volumes?: string[];
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition: string }>;
  ports?: Array<{ published: number | string; target: number }>;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

function resolvedCompose(env: NodeJS.ProcessEnv): Compose {
  const yaml = execFileSync('docker-compose', ['-f', COMPOSE_FILE, 'config'], { encoding: 'utf8', env, cwd: ROOT });
  const json = execFileSync('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: yaml,
    encoding: 'utf8',
  });
  return JSON.parse(json) as Compose;
}

const lane = composeAvailable() ? describe : describe.skip;

lane('docker/docker-compose.yml (validated by docker-compose config)', () => {
  const { PUBLIC_URL: _p, ADMIN_TOKEN: _a, DEFAULT_SITE: _d, SIGHTLINE_PORT: _s, ...cleanEnv } = process.env;
  let compose: Compose;

  beforeAll(() => {
    compose = resolvedCompose(cleanEnv);
  });

  it('runs the server, MongoDB 7 and Redis 7 and nothing else', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['mongo', 'redis', 'server']);
    expect(compose.services.mongo!.image).toBe('mongo:7');
    expect(compose.services.redis!.image).toBe('redis:7');
  });

  it('builds the server from the repository with docker/Dockerfile', () => {
    expect(compose.services.server!.build).toEqual({ context: ROOT, dockerfile: 'docker/Dockerfile' });
    expect(compose.services.server!.ports).toEqual([{ published: 8000, target: 8000 }]);
  });

  it('runs MongoDB as a single-node replica set that the health check initiates', () => {
    const mongo = compose.services.mongo!;
    expect(mongo.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    const check = mongo.healthcheck!.test.join(' ');
    expect(check).toMatch(/rs\.initiate\(/);
    expect(check).toMatch(/host: 'mongo:27017'/);
    expect(check).toMatch(/isWritablePrimary/);
  });

  it('runs Redis with append-only persistence', () => {
    const command = compose.services.redis!.command!;
    expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
    expect(compose.services.redis!.healthcheck!.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('keeps every service’s data in a named volume', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['mongo-config', 'mongo-data', 'redis-data']);
    expect(compose.services.mongo!.volumes).toEqual(['mongo-data:/data/db:rw', 'mongo-config:/data/configdb:rw']);
    expect(compose.services.redis!.volumes).toEqual(['redis-data:/data:rw']);
  });

  it('health-checks every service and starts the server only once its stores are healthy', () => {
    for (const service of Object.values(compose.services)) expect(service.healthcheck?.test[0]).toBe('CMD');
    expect(compose.services.server!.healthcheck!.test.join(' ')).toMatch(/\/readyz/);
    expect(compose.services.server!.depends_on).toEqual({
      mongo: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('wires an environment the server accepts, selecting MongoDB with majority writes and Redis', () => {
    const environment = compose.services.server!.environment!;
    expect(environment.MONGODB_URI).toBe('mongodb://mongo:27017/sightline?replicaSet=rs0');
    expect(environment.REDIS_URL).toBe('redis://redis:6379');
    // Variables without a value are passed through from the host only when set there.
    const env = Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== null));
    const config = loadConfig(env);
    expect(config.production).toBe(true);
    expect(config.store).toMatchObject({ kind: 'mongo', uri: environment.MONGODB_URI, writeConcern: 'majority' });
    expect(config.redisUrl).toBe('redis://redis:6379');
    expect(config.publicUrl).toBe('http://localhost:8000');
  });

  it('takes the public URL and admin token from the host environment', () => {
    const custom = resolvedCompose({ ...cleanEnv, PUBLIC_URL: 'https://stats.example.com', ADMIN_TOKEN: 'a-long-admin-token-123' });
    expect(custom.services.server!.environment).toMatchObject({
      PUBLIC_URL: 'https://stats.example.com',
      ADMIN_TOKEN: 'a-long-admin-token-123',
    });
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = readFileSync(DOCKERFILE, 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('builds in one stage and runs from another', () => {
    expect(stages.map((stage) => stage.split('\n')[0])).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS runtime']);
  });

  it('ships the server through pnpm deploy with production dependencies only, with the pinned pnpm', () => {
    expect(stages[0]).toMatch(/npm install -g pnpm@12\.4\.2/);
    expect(stages[0]).toMatch(/pnpm install --frozen-lockfile/);
    expect(stages[0]).toMatch(/pnpm --filter @sightline\/server deploy --prod \/out\/server/);
    expect(runtime).not.toMatch(/pnpm|npm install/);
  });

  it('runs as the unprivileged node user with a health check on /healthz', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });

  it('lays the tracker and dashboard out where the server looks for them (beside its own folder)', () => {
    expect(runtime).toMatch(/^COPY --from=build .* \/out\/server\/dist server\/dist$/m);
    expect(runtime).toMatch(/^COPY --from=build .* \/src\/packages\/tracker\/dist tracker\/dist$/m);
    expect(runtime).toMatch(/^COPY --from=build .* \/src\/packages\/dashboard\/dist dashboard\/dist$/m);
    expect(runtime).toMatch(/^WORKDIR \/app\/server$/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
  });

  it('matches the paths the server resolves the tracker script and the dashboard from', () => {
    const serverSource = path.join(ROOT, 'packages/server/src');
    expect(path.posix.resolve('/app/server/dist', path.relative(serverSource, DEFAULT_SCRIPT_FILE))).toBe('/app/tracker/dist/s.js');
    const dashboardFromWeb = path.relative(path.join(serverSource, 'web'), DEFAULT_DASHBOARD_DIR);
    expect(path.posix.resolve('/app/server/dist/web', dashboardFromWeb)).toBe('/app/dashboard/dist');
  });

  it('fails the build when the tracker or the dashboard was not built', () => {
    expect(stages[0]).toMatch(/test -f packages\/tracker\/dist\/s\.js/);
    expect(stages[0]).toMatch(/test -f packages\/dashboard\/dist\/index\.html/);
  });
});
