/**
 * The HTTP server with guards against slow and greedy clients: a client must finish its headers
 * and its request within the timeouts (slow-loris), and one address may hold only so many
 * connections at once. Everything else about the server is Node's default.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { addressKey } from './address-key.js';

export interface ServerGuards {
  /** Time a client has to send its headers, and its whole request. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Open connections per remote address; 0 turns the cap off. */
  maxConnectionsPerAddress: number;
}

/** Node checks the timeouts every 30 s by default, so a slow client could stay twice as long as allowed. */
const MAX_CHECK_INTERVAL_MS = 5_000;

const REFUSAL = JSON.stringify({ error: 'too many open connections from this address; retry later' });

export function createGuardedServer(listener: RequestListener, guards: ServerGuards): Server {
  const overCap = new WeakSet<Socket>();
  const guarded: RequestListener = (req, res) => {
    if (!overCap.has(req.socket)) {
      listener(req, res);
      return;
    }
    res.shouldKeepAlive = false;
    res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '5', 'Content-Length': Buffer.byteLength(REFUSAL) });
    res.end(REFUSAL);
  };
  const server = createServer(
    {
      headersTimeout: guards.headersTimeoutMs,
      requestTimeout: guards.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(MAX_CHECK_INTERVAL_MS, guards.headersTimeoutMs),
    },
    guarded,
  );
  if (guards.maxConnectionsPerAddress > 0) countConnections(server, guards.maxConnectionsPerAddress, overCap);
  return server;
}

/**
 * A map entry per address, an IPv6 /64 counting as one. A connection over the cap is answered 429
 * and closed at its first request; one that never sends a request is closed by the headers timeout.
 */
function countConnections(server: Server, max: number, overCap: WeakSet<Socket>): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = addressKey(socket.remoteAddress ?? '');
    const count = (open.get(address) ?? 0) + 1;
    open.set(address, count);
    if (count > max) overCap.add(socket);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
