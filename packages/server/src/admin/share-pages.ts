/**
 * A shared link's page: the site's dashboard, read-only, for whoever has the link. The dashboard
 * sends the link's token with its stats requests; a link with a password first asks for it, and
 * the right password opens a session for that link alone (its own cookie).
 */
import { SiteIdSchema } from '@sightline/shared';
import { Router, type Request, type Response } from 'express';
import { HttpError } from '../http/errors.js';
import type { SharedLinkRecord } from '../store/accounts.js';
import { dashboardCsp, sendDashboardPage } from '../web/dashboard-route.js';
import type { AdminDeps } from './deps.js';
import { readCookie, SHARE_COOKIE, setCookie } from '../http/session-cookies.js';
import { field } from './forms.js';
import { html } from './html.js';
import { adminCsp, formError, sendPage } from './layout.js';

const SHARE_SESSION_TTL_MS = 24 * 3_600_000;

export function sharePages(deps: AdminDeps): Router {
  const { accounts, links, formTokens, loginLimits, dashboardDir, https } = deps;
  const router = Router();

  async function linkOf(req: Request): Promise<SharedLinkRecord> {
    const site = SiteIdSchema.safeParse(req.params.site);
    const link = site.success ? await links.find(site.data, String(req.params.token)) : null;
    if (link === null) throw new HttpError(404, 'this shared link does not exist or has been revoked');
    return link;
  }

  async function unlocked(req: Request, link: SharedLinkRecord): Promise<boolean> {
    if (link.passwordHash === null) return true;
    const session = await accounts.findSession(readCookie(req, SHARE_COOKIE));
    return session?.sharedLinkId === link.id;
  }

  const passwordForm = (res: Response, link: SharedLinkRecord, error?: string, status = 200) =>
    sendPage(res, dashboardDir, {
      title: link.site,
      status,
      body: html`<form method="post" class="card form">
<p>This dashboard is protected by a password.</p>
${formError(error)}
<input type="hidden" name="csrf" value="${formTokens.issue(`share:${link.id}`)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Show the dashboard</button>
</form>`,
    });

  router.get('/share/:site/:token', async (req, res, next) => {
    const link = await linkOf(req);
    if (await unlocked(req, link)) return dashboardCsp(https)(req, res, () => sendDashboardPage(req, res, dashboardDir).catch(next));
    adminCsp(https)(req, res, () => passwordForm(res, link).catch(next));
  });

  router.post('/share/:site/:token', adminCsp(https), async (req, res) => {
    const link = await linkOf(req);
    formTokens.check(req, `share:${link.id}`);
    try {
      await loginLimits.attempt(`link:${link.id}`, req.ip ?? '');
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      res.set(error.headers);
      return passwordForm(res, link, 'Too many attempts. Wait a few minutes and try again.', 429);
    }
    if (!(await links.checkPassword(link, field(req, 'password')))) return passwordForm(res, link, 'That password is not right.', 401);
    const previous = await accounts.findSession(readCookie(req, SHARE_COOKIE));
    if (previous !== null) await accounts.endSession(previous);
    const { token } = await accounts.openSession({ sharedLinkId: link.id }, 'shared link', SHARE_SESSION_TTL_MS);
    setCookie(res, SHARE_COOKIE, token, SHARE_SESSION_TTL_MS, https);
    res.redirect(303, req.originalUrl);
  });

  return router;
}
