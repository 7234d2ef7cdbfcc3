/**
 * The demo site's pages, served at `/` in demo mode: a real page with the real snippet, so the
 * quickstart shows Sightline counting its own visits.
 */
import { Router } from 'express';
import { DEMO_SITE } from '../config.js';

const PAGES = ['/', '/pricing', '/blog/hello-world', '/about'];

function page(path: string): string {
  const links = PAGES.map((href) => `<li><a href="${href}">${href}</a></li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sightline demo · ${path}</title>
<script defer data-site="${DEMO_SITE}" data-allow-localhost src="/s.js"></script>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}code{background:#eee;padding:.1rem .3rem}pre{white-space:pre-wrap;overflow-wrap:anywhere}</style>
</head>
<body>
<h1>Sightline demo</h1>
<p>You are on <code>${path}</code>. This page loads the tracker with the snippet below; every visit is counted for the site <code>${DEMO_SITE}</code>.</p>
<pre><code>&lt;script defer data-site="${DEMO_SITE}" data-allow-localhost src="/s.js"&gt;&lt;/script&gt;</code></pre>
<h2>Pages</h2>
<ul>${links}</ul>
<h2>Stats</h2>
<ul>
<li><a href="/dashboard/${DEMO_SITE}">The dashboard</a></li>
<li><a href="/api/v1/stats/aggregate?site_id=${DEMO_SITE}&amp;period=day&amp;metrics=visitors,visits,pageviews,bounce_rate,visit_duration">/api/v1/stats/aggregate</a></li>
<li><a href="/docs">API documentation</a></li>
<li><a href="/api/stats?site=${DEMO_SITE}">/api/stats?site=${DEMO_SITE}</a></li>
<li><a href="/stats">/stats</a></li>
</ul>
</body>
</html>
`;
}

export function demoRoutes(): Router {
  const router = Router();
  for (const path of PAGES) {
    const html = page(path);
    router.get(path, (_req, res) => {
      res.type('html').send(html);
    });
  }
  return router;
}
