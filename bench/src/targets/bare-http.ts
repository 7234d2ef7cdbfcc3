/** The ceiling: a bare node:http server that reads a POST body and answers 202, and answers a GET with 200. */
import { createServer } from 'node:http';

const READ = JSON.stringify({ ok: true });

const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(READ) }).end(READ);
      return;
    }
    res.statusCode = 202;
    res.end();
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
