/**
 * Reads GET /stats N times one after another, printing each request's time and then the
 * average: the single-client read latency, measured as the first version of the project did.
 *
 *   npx -y pnpm@12.4.2 example:read [count=100] [base URL=http://localhost:8000]
 *
 * The server answers at most 600 stats reads a minute from one address by default; past that it
 * answers 429, and the script stops and says how to lift the limit.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const count = Number(process.argv[2] ?? 100);
const base = new URL(process.argv[3] ?? 'http://localhost:8000');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function readStats(): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(new URL('/stats', base), { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A refused connection says what to do rather than printing a stack trace. */
function unreachable(error: NodeJS.ErrnoException): never {
  console.error(`no server answers at ${base.origin} (${error.code ?? error.message}): start it first, as the README's quickstart does`);
  process.exit(1);
}

let total = 0;
let timed = 0;
let failures = 0;
for (let i = 0; i < count; i++) {
  const { status, ms } = await readStats().catch(unreachable);
  if (status !== 200) failures += 1;
  if (status === 429) {
    console.error(`request ${i + 1} was over the server's rate limit (429): start it with RATE_LIMIT_STATS_PER_CLIENT=0 to time more requests a minute`);
    break;
  }
  total += ms;
  timed += 1;
  console.log(`request ${i + 1}: ${ms.toFixed(3)} ms (${status})`);
}
agent.destroy();
if (timed > 0) console.log(`average: ${(total / timed).toFixed(3)} ms over ${timed} requests`);
if (failures > 0) {
  console.error(`${failures} requests failed`);
  process.exitCode = 1;
}
