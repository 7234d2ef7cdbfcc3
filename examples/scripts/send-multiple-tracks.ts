/**
 * Sends N page views to POST /track one after another, printing each request's time and then
 * the average: the single-client write latency, measured as the first version of the project did.
 *
 *   tsx examples/scripts/send-multiple-tracks.ts [count=100] [base URL=http://localhost:8000]
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const count = Number(process.argv[2] ?? 100);
const base = new URL(process.argv[3] ?? 'http://localhost:8000');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const PAGES = ['home', 'about', 'pricing', 'blog', 'contact'];

function track(pageId: string, userId: string): Promise<{ status: number; ms: number }> {
  const body = JSON.stringify({ page_id: pageId, user_id: userId });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      new URL('/track', base),
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let total = 0;
let failures = 0;
for (let i = 0; i < count; i++) {
  const { status, ms } = await track(PAGES[i % PAGES.length]!, `user${i % 50}`);
  total += ms;
  if (status !== 202) failures += 1;
  console.log(`request ${i + 1}: ${ms.toFixed(3)} ms (${status})`);
}
agent.destroy();
console.log(`average: ${(total / count).toFixed(3)} ms over ${count} requests`);
if (failures > 0) {
  console.error(`${failures} requests were not accepted`);
  process.exitCode = 1;
}
