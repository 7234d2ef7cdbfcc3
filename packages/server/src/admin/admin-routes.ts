/**
 * The web admin: its pages parse urlencoded forms (16 KB at most) and refuse a state-changing
 * request from another origin before any of them runs.
 */
import express, { Router } from 'express';
import { accountPages } from './account-pages.js';
import { sameOrigin } from './csrf.js';
import type { AdminDeps } from './deps.js';
import { entryPages } from './entry-pages.js';
import { adminCsp } from './layout.js';
import { peoplePages } from './people-pages.js';
import { sharePages } from './share-pages.js';
import { sitePages } from './site-pages.js';

const PAGE_PATHS = ['/setup', '/welcome', '/login', '/logout', '/sites', '/people', '/account'];

export function adminRoutes(deps: AdminDeps): Router {
  const router = Router();
  const forms = [express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }), sameOrigin(deps.config.publicUrl)];
  router.use(PAGE_PATHS, adminCsp(deps.https), ...forms);
  router.use('/share', ...forms);
  router.use(entryPages(deps), sitePages(deps), peoplePages(deps), accountPages(deps), sharePages(deps));
  return router;
}
