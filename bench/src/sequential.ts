/** One client, one request at a time over a kept-alive connection: the latency a lone visitor or dashboard sees. */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Timed {
  status: number;
  ms: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Kept-alive connections to the servers under test. A dashboard's browser opens several at once;
 * a probe needs its own, so its requests never queue behind another client's.
 */
export class Client {
  private readonly agent: http.Agent;

  constructor(sockets = 1) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  request(port: number, method: string, path: string, body?: string, headers: http.OutgoingHttpHeaders = {}): Promise<Timed> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = http.request({ host: '127.0.0.1', port, method, path, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The one-request-at-a-time client of the sequential measurements. */
export const sequential = new Client();

export function request(port: number, method: string, path: string, body?: string, headers: http.OutgoingHttpHeaders = {}): Promise<Timed> {
  return sequential.request(port, method, path, body, headers);
}

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

export function summarize(times: readonly number[]): LatencySummary {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export function closeConnections(): void {
  sequential.close();
}
