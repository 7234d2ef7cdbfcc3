/** Slow and greedy clients: headers and requests must finish in time, and one address gets a bounded number of connections. */
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { loadConfig } from '../src/config.js';
import { createGuardedServer, type ServerGuards } from '../src/http/server-guard.js';
import { createTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let server: Server | undefined;
const sockets: Socket[] = [];

beforeEach(async () => {
  t = await createTestApp();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  if (server !== undefined) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
  await t.close();
});

async function listen(guards: ServerGuards): Promise<number> {
  server = createGuardedServer(t.app, guards);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw connection, and everything the server sends on it until it closes. */
async function open(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, received: () => data, closed };
}

const GET_HEALTH = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n';

async function response(connection: Awaited<ReturnType<typeof open>>, request: string): Promise<string> {
  const before = connection.received().length;
  connection.socket.write(request);
  for (let attempt = 0; attempt < 200 && !connection.received().slice(before).includes('\r\n\r\n'); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return connection.received().slice(before);
}

describe('slow clients', () => {
  const guards = { headersTimeoutMs: 300, requestTimeoutMs: 300, maxConnectionsPerAddress: 0 };

  it('closes a connection whose headers never finish (slow-loris) with 408', async () => {
    const port = await listen(guards);
    const slow = await open(port);
    slow.socket.write('POST /api/event HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    const drip = setInterval(() => slow.socket.writable && slow.socket.write('a'), 50);
    await slow.closed;
    clearInterval(drip);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection whose body never arrives with 408, and stores nothing', async () => {
    const port = await listen(guards);
    const slow = await open(port);
    slow.socket.write('POST /api/event HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 500\r\n\r\n{"site":');
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(await t.store.countEvents('example.com')).toBe(0);
  });
});

describe('connections per address', () => {
  it('answers 429 with a JSON error on connections over the cap, and serves again once one closes', async () => {
    const port = await listen({ headersTimeoutMs: 5000, requestTimeoutMs: 5000, maxConnectionsPerAddress: 2 });
    const first = await open(port);
    const second = await open(port);
    expect(await response(first, GET_HEALTH)).toMatch(/^HTTP\/1\.1 200/);

    const third = await open(port);
    const refused = await response(third, GET_HEALTH);
    expect(refused).toMatch(/^HTTP\/1\.1 429/);
    expect(refused).toMatch(/Retry-After: 5/i);
    await third.closed;
    expect(third.received()).toContain('{"error":"too many open connections from this address; retry later"}');

    expect(await response(second, GET_HEALTH)).toMatch(/^HTTP\/1\.1 200/);
    first.socket.destroy();
    await first.closed;
    // Let the server see the close before the next connection arrives.
    for (let attempt = 0; attempt < 100; attempt++) {
      const count = await new Promise<number>((resolve) => server!.getConnections((_error, n) => resolve(n)));
      if (count < 2) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const fourth = await open(port);
    expect(await response(fourth, GET_HEALTH)).toMatch(/^HTTP\/1\.1 200/);
  });

  it('caps 256 connections per address by default, and nothing behind a proxy, where every connection is the proxy', () => {
    expect(loadConfig({}).server).toEqual({ headersTimeoutMs: 30_000, requestTimeoutMs: 30_000, maxConnectionsPerAddress: 256 });
    expect(loadConfig({ MAX_CONNECTIONS_PER_ADDRESS: '10' }).server.maxConnectionsPerAddress).toBe(10);
    expect(loadConfig({ TRUST_PROXY: '1' }).server.maxConnectionsPerAddress).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'false', MAX_CONNECTIONS_PER_ADDRESS: '0' }).server.maxConnectionsPerAddress).toBe(0);
  });
});
