/** Automatic pageviews: the first load, then every SPA route change (History API, back/forward, hash). */

/**
 * Calls `pageview` now (or once a prerendered page is shown) and whenever the page path changes.
 * Routers often replaceState the same path right after pushState, or change only the query;
 * comparing paths keeps those from counting twice. popstate also fires on hash changes, so hash
 * routers need no hashchange listener.
 */
export function autoPageviews(hashRouting: boolean, pageview: () => void): void {
  let last: string | undefined;
  const onChange = () => {
    const path = location.pathname + (hashRouting ? location.hash : '');
    if (path != last) {
      last = path;
      pageview();
    }
  };
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      onChange();
    };
  }
  addEventListener('popstate', onChange);
  // Chrome may prerender a page the visitor never opens; count it when it is shown.
  if (document.prerendering) document.addEventListener('prerenderingchange', onChange);
  else onChange();
}
