/** Starting, watching and stopping the servers under test, each in its own process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Linux keeps the high-water mark of a process's resident memory; it is the peak, whatever happened between samples. */
function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

/** CPU time a process has used, user and system, from /proc (in clock ticks of 10 ms). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in parentheses may hold spaces; the fields after it are space-separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export class Service {
  /** Every service still running, so a failed run can stop them all instead of leaving them behind. */
  private static readonly running = new Set<Service>();
  private output = '';
  private exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    Service.running.add(this);
    void this.exited.then(() => Service.running.delete(this));
  }

  static async stopAll(): Promise<void> {
    await Promise.all([...Service.running].map((service) => service.stop()));
  }

  static async start(name: string, args: string[], options: { port: number; env?: NodeJS.ProcessEnv; cwd?: string }) {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new Service(name, options.port, child);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await accepts(options.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not start:\n${service.output}`);
      }
      await sleep(50);
    }
    return service;
  }

  peakRssMb(): number {
    return peakRssMb(this.child.pid);
  }

  cpuSeconds(): number {
    return cpuSeconds(this.child.pid);
  }

  /** SIGTERM, as an operator would send it; a server that ignores it is killed after a grace period. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  get log(): string {
    return this.output;
  }
}
