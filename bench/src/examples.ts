/** Runs the example scripts as a user would and reads the average they print. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPTS = fileURLToPath(new URL('../../examples/scripts/', import.meta.url));

export async function averageOf(script: 'send-multiple-tracks' | 'read-multiple-tracks', count: number, port: number): Promise<number> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', `${SCRIPTS}${script}.ts`, String(count), `http://127.0.0.1:${port}`], {
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const average = /^average: ([\d.]+) ms/m.exec(stdout)?.[1];
  if (average === undefined) throw new Error(`${script} printed no average:\n${stdout.slice(-2000)}`);
  return Number(average);
}
