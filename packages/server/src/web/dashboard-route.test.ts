import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { errorHandler, notFound } from '../http/errors.js';
import { silentLogger } from '../logger.js';
import { dashboardRoute } from './dashboard-route.js';

let dir: string;

const app = (options: { https?: boolean; defaultSite?: string } = {}) =>
  express().use(dashboardRoute({ dir, ...options })).use(notFound).use(errorHandler(silentLogger));

function writeBuild(script: string): void {
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), `<script type="module" src="/dashboard/_assets/${script}"></script>`);
  writeFileSync(path.join(dir, 'assets', script), 'console.log("dashboard");'.repeat(50));
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sightline-dashboard-route-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('GET /dashboard/<site>', () => {
  it('says how to fix a missing build instead of failing', async () => {
    const response = await request(app()).get('/dashboard/example.com').expect(503);
    expect(response.body).toEqual({ error: 'the dashboard is not built: run pnpm build' });
  });

  it('serves one page for every site under a CSP without inline code, revalidated by ETag', async () => {
    writeBuild('dashboard-AAAA1111.js');
    const page = await request(app()).get('/dashboard/example.com').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("trusted-types 'none'");
    expect(csp).not.toMatch(/unsafe-|upgrade-insecure-requests/);
    await request(app()).get('/dashboard/example.com').set('If-None-Match', page.headers.etag!).expect(304);
    const https = await request(app({ https: true })).get('/dashboard/example.com').expect(200);
    expect(https.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('picks up a rebuild without a restart', async () => {
    const server = app();
    writeBuild('dashboard-AAAA1111.js');
    await request(server).get('/dashboard/example.com').expect(200);
    writeBuild('dashboard-BBBB2222.js');
    const page = await request(server).get('/dashboard/example.com').expect(200);
    expect(page.text).toContain('dashboard-BBBB2222.js');
  });

  it.each(['/dashboard/exa mple.com', '/dashboard/-bad-', '/dashboard/a..b'])('answers %s with a JSON 404', async (url) => {
    writeBuild('dashboard-AAAA1111.js');
    const response = await request(app()).get(url).expect(404);
    expect(response.body.error).toMatch(/^no site /);
  });

  it('sends a bare /dashboard to the default site, or explains the URL without one', async () => {
    await request(app({ defaultSite: 'localhost' })).get('/dashboard').expect(302).expect('Location', '/dashboard/localhost');
    const response = await request(app()).get('/dashboard').expect(404);
    expect(response.body.error).toBe('name a site: /dashboard/<site>');
  });
});

describe('GET /dashboard/_assets/<file>', () => {
  it('serves a hashed asset compressed and cached for a year', async () => {
    writeBuild('dashboard-AAAA1111.js');
    const response = await request(app())
      .get('/dashboard/_assets/dashboard-AAAA1111.js')
      .set('Accept-Encoding', 'gzip')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // supertest undoes the gzip, as a browser would.
    expect((response.body as Buffer).toString()).toMatch(/^console\.log/);
  });

  it.each(['dashboard-NOPE0000.js', '..%2Findex.html', 'dashboard-AAAA1111.js.map', 'index.html'])('answers %s with a JSON 404', async (file) => {
    writeBuild('dashboard-AAAA1111.js');
    const response = await request(app()).get(`/dashboard/_assets/${file}`).expect(404);
    expect(response.body.error).toMatch(/^no dashboard asset/);
  });
});
