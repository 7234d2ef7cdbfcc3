/**
 * The Redis the servers under test share: one of the bench's own on a spare port when
 * redis-server is installed and REDIS_URL is not set, so the commands counted are Sightline's
 * alone; REDIS_URL otherwise, where other clients' commands are counted too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './processes.js';

const READY_ATTEMPTS = 100;

export interface BenchRedis {
  url: string;
  /** True when this Redis serves the bench alone. */
  private: boolean;
  stop(): Promise<void>;
}

/** Sends one inline command and reads its bulk-string answer (INFO answers with one). */
function inline(url: string, command: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port || 6379), hostname);
    let answer = Buffer.alloc(0);
    socket.setTimeout(5_000, () => socket.destroy(new Error(`redis at ${url} did not answer ${command}`)));
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      const header = answer.indexOf('\r\n');
      if (header === -1) return;
      if (answer[0] !== 0x24) {
        socket.destroy();
        resolve(answer.subarray(0, header).toString());
        return;
      }
      const length = Number(answer.subarray(1, header).toString());
      if (answer.length < header + 2 + length) return;
      socket.destroy();
      resolve(answer.subarray(header + 2, header + 2 + length).toString());
    });
    socket.write(`${command}\r\n`);
  });
}

/** Calls per command since the server started (INFO commandstats), e.g. `evalsha` → 1234. */
export async function commandCalls(url: string): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const match of (await inline(url, 'INFO commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

/**
 * INFO counts the commands a script runs as calls of their own. Sightline's scripts run only
 * these, so calls of anything else, and of the scripts themselves, are the commands it sent.
 */
const RUN_BY_SCRIPTS = new Set(['set', 'get', 'incrby', 'pttl', 'expire', 'pexpire', 'zadd', 'zremrangebyscore', 'time']);

export interface CommandCount {
  /** EVALSHA and EVAL calls: one per script run. */
  scripts: number;
  /** Commands sent outside scripts. */
  others: number;
  /** Every call INFO counted, the scripts' own commands included. */
  all: number;
}

export function commandsBetween(before: Map<string, number>, after: Map<string, number>): CommandCount {
  const count: CommandCount = { scripts: 0, others: 0, all: 0 };
  for (const [command, calls] of after) {
    // The bench's own INFO calls are not Sightline's.
    if (command === 'info') continue;
    const delta = calls - (before.get(command) ?? 0);
    count.all += delta;
    if (command === 'evalsha' || command === 'eval') count.scripts += delta;
    else if (!RUN_BY_SCRIPTS.has(command)) count.others += delta;
  }
  return count;
}

export async function startBenchRedis(configured: string | undefined): Promise<BenchRedis> {
  const installed = spawnSync('redis-server', ['--version']).status === 0;
  if (configured !== undefined || !installed) {
    return { url: configured ?? 'redis://127.0.0.1:6379', private: false, stop: async () => undefined };
  }
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < READY_ATTEMPTS; attempt++) {
    if ((await inline(url, 'PING').catch(() => '')) === '+PONG') {
      return {
        url,
        private: true,
        stop: async () => {
          if (child.exitCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not come up on port ${port}`);
}
