/**
 * The admin pages' shell: the dashboard's look (its stylesheet, dark mode, phone width), a
 * navigation bar for the signed-in person, and headers that keep the pages out of caches and
 * frames. Pages carry no inline script or style: the CSP allows only this server's files.
 */
import type { Response } from 'express';
import helmet from 'helmet';
import { mayAdminister, mayManagePeople, type Signer } from '../accounts/accounts.js';
import { adminAssets } from './assets.js';
import { html, type Fragment, type Html } from './html.js';

export interface PageOptions {
  title: string;
  /** The signed-in person; absent on the sign-in, setup and shared pages. */
  signer?: Signer | undefined;
  body: Fragment;
  status?: number;
}

export function adminCsp(https: boolean) {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      requireTrustedTypesFor: ["'script'"],
      trustedTypes: ["'none'"],
      ...(https ? { upgradeInsecureRequests: [] } : {}),
    },
  });
}

/** The hidden field every signed-in form carries. */
export const csrfField = (token: string) => html`<input type="hidden" name="csrf" value="${token}">`;

function nav(signer: Signer): Html {
  const { user, session } = signer;
  return html`<nav class="admin-nav" aria-label="Main">
<a href="/sites">Sites</a>
${mayManagePeople(user) ? html`<a href="/people">People</a>` : ''}
<a href="/account">Account</a>
<span class="who">${user.email} (${user.role}${mayAdminister(user) ? '' : ' of chosen sites'})</span>
<form method="post" action="/logout">${csrfField(session.csrf)}<button type="submit" class="link">Sign out</button></form>
</nav>`;
}

export async function sendPage(res: Response, dashboardDir: string, options: PageOptions): Promise<void> {
  const assets = await adminAssets(dashboardDir);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="same-origin">
<title>${options.title} · Sightline</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="${assets.style}">
<script type="module" src="${assets.script}"></script>
</head>
<body>
<div id="app" class="admin">
<header class="top"><h1><span class="brand">Sightline</span> ${options.title}</h1>${options.signer ? nav(options.signer) : ''}</header>
<main>${options.body}</main>
</div>
</body>
</html>
`;
  res
    .status(options.status ?? 200)
    .set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' })
    .send(page.text);
}

/** A form error, announced to screen readers. */
export const formError = (message: string | null | undefined) => (message ? html`<p class="error" role="alert">${message}</p>` : '');
