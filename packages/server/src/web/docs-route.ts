/**
 * GET /openapi.json and the interactive docs at /docs: Swagger UI from the swagger-ui-dist
 * package, served from here (no CDN) and started by a script file, so the strict
 * Content-Security-Policy (script-src 'self') holds.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Router } from 'express';
import { openApiDocument } from './openapi.js';

const require = createRequire(import.meta.url);
const SWAGGER_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sightline API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
`;

const START = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: true });\n`;

export function docsRoutes(publicUrl: string): Router {
  const router = Router();
  const document = JSON.stringify(openApiDocument(publicUrl));
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/start.js', (_req, res) => {
    res.type('text/javascript').send(START);
  });
  for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
    router.get(`/docs/assets/${file}`, (_req, res) => {
      // With a root, only the file name is checked for dot segments, not pnpm's node_modules/.pnpm.
      res.sendFile(file, { root: SWAGGER_DIR, maxAge: '1d' });
    });
  }
  return router;
}
