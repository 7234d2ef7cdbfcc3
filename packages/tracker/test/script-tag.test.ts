import { buildScriptTag } from './build.js';
import { testPageBody, type TestServer, type TrackerOptions } from './harness.js';
import { runTrackerScenarios } from './scenarios.js';

/** The queue stub from the README, exactly as documented. */
const QUEUE_STUB =
  '<script>window.sightline=window.sightline||function(){(sightline.q=sightline.q||[]).push(arguments)}</script>';

function scriptTagPage(server: TestServer, options: TrackerOptions, beforeTracker = ''): string {
  const attributes = [
    `data-site="${options.site}"`,
    'data-outbound',
    'data-downloads',
    options.hash ? 'data-hash' : '',
    options.exclude ? `data-exclude="${options.exclude}"` : '',
    options.respectDnt ? 'data-respect-dnt' : '',
    options.allowLocalhost === false ? '' : 'data-allow-localhost',
    options.allowAutomation === false ? '' : 'data-allow-automation',
  ];
  return `<!doctype html><html><head><meta charset="utf-8"><title>Script tag</title>${QUEUE_STUB}${beforeTracker}</head>
<body>${testPageBody(server)}
<script defer ${attributes.filter(Boolean).join(' ')} src="/s.js"></script>
<script>document.getElementById('signup').addEventListener('click', () => sightline('Signup', { props: { plan: 'pro' } }))</script>
</body></html>`;
}

runTrackerScenarios(
  {
    name: 'script-tag',
    async setup(server) {
      server.serve('/s.js', (await buildScriptTag()).code, 'text/javascript');
    },
    page: scriptTagPage,
  },
  (context) => {
    it('replays calls queued by the stub before the script loaded, posting to its own origin by default', async () => {
      const site = context.newSite();
      const early = "<script>sightline('Early', { props: { n: 1, ok: true } })</script>";
      context.server.serve('/queued', scriptTagPage(context.server, { site }, early));
      await context.page.goto(context.server.url('/queued'));
      const events = await context.server.waitForEvents(site, 2);
      expect(events.map(({ event }) => [event.name, event.props])).toEqual(
        expect.arrayContaining([
          ['pageview', undefined],
          ['Early', { n: 1, ok: true }],
        ]),
      );
    });

    it('stays silent when data-api points at a server that does not answer', async () => {
      const site = context.newSite();
      const page = scriptTagPage(context.server, { site }).replace('data-outbound', 'data-api="http://127.0.0.1:9/api/event" data-outbound');
      context.server.serve('/unreachable', page);
      await context.page.goto(context.server.url('/unreachable'));
      await context.page.click('#signup');
      await context.page.waitForTimeout(300);
      expect(context.server.events(site)).toEqual([]);
    });
  },
);
