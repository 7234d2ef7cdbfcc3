/**
 * A small history-router app that reports to Sightline through the npm module: automatic
 * pageviews on every route change, a custom event, outbound-link and file-download clicks.
 * index.html shows how it starts; the tracker's browser tests run it the same way.
 */
import {
  enableAutoPageviews,
  enableFileDownloads,
  enableOutboundLinks,
  init,
  trackEvent,
  type InitOptions,
} from '@sightline/tracker';

const views: Record<string, string> = {
  '/': 'Home',
  '/pricing': 'Pricing',
  '/docs': 'Docs',
};

export function start(options: InitOptions): void {
  init(options);
  enableAutoPageviews();
  enableOutboundLinks();
  enableFileDownloads();

  const view = document.querySelector('#view');
  const render = () => {
    if (view) view.textContent = views[location.pathname] ?? 'Not found';
  };

  // The router: links marked data-route change the URL with pushState instead of loading a page.
  document.addEventListener('click', (event) => {
    const link = (event.target as Element).closest('a[data-route]');
    if (!link) return;
    event.preventDefault();
    history.pushState(null, '', link.getAttribute('href'));
    render();
  });
  addEventListener('popstate', render);

  document.querySelector('#signup')?.addEventListener('click', () => trackEvent('Signup', { props: { plan: 'pro' } }));
  render();
}
