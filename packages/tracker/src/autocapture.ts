/** Automatic pageviews: the first load, then every SPA route change (History API, back/forward, hash). */
import type { Pageview } from './track.js';

/**
 * Calls `pageview` now (or once a prerendered page is shown) and whenever the page path changes.
 * Routers often replaceState the same path right after pushState, or change only the query;
 * comparing paths keeps those from counting twice. popstate also fires on hash changes, so hash
 * routers need no hashchange listener.
 */
export const autoPageviews = (hashRouting: boolean, pageview: Pageview): void => {
  let last: string | undefined;
  const onChange = () => {
    const path = location.pathname + (hashRouting ? location.hash : '');
    if (path != last && pageview()) last = path;
  };
  // map and an arrow, not for...of and a function: 14 bytes fewer gzipped. `this` is history anyway.
  (['pushState', 'replaceState'] as const).map((method) => {
    const original = history[method];
    history[method] = (...args) => {
      original.apply(history, args);
      onChange();
    };
  });
  addEventListener('popstate', onChange);
  // Chrome may prerender a page the visitor never opens: track() sends nothing meanwhile, so the
  // path is not yet counted, and it is when the page is shown.
  document.addEventListener('prerenderingchange', onChange);
  onChange();
};
