import * as esbuild from 'esbuild';
import type { InitOptions } from '../src/config.js';
import { buildNpmModule, buildSpaExample } from './build.js';
import { testPageBody, type TestServer, type TrackerOptions } from './harness.js';
import { runTrackerScenarios } from './scenarios.js';

let npmModule: Awaited<ReturnType<typeof buildNpmModule>> | undefined;
afterAll(() => npmModule?.cleanup());

function initOptions(server: TestServer, options: TrackerOptions): InitOptions {
  return {
    site: options.site,
    endpoint: server.url('/api/event'),
    hashRouting: options.hash,
    exclude: options.exclude?.split(','),
    respectDoNotTrack: options.respectDnt,
    allowLocalhost: options.allowLocalhost !== false,
    allowAutomation: options.allowAutomation !== false,
  };
}

/** A page running `moduleSource`, an ES module served by the test server. */
function modulePage(server: TestServer, moduleSource: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>npm module</title></head>
<body>${testPageBody(server)}
<script type="module">${moduleSource}</script>
</body></html>`;
}

/** Bundles a snippet that imports the built npm module, as an app would. */
async function bundle(source: string): Promise<string> {
  const result = await esbuild.build({
    stdin: { contents: source, loader: 'ts', resolveDir: process.cwd() },
    bundle: true,
    format: 'esm',
    write: false,
    alias: { '@sightline/tracker': npmModule!.file },
  });
  return result.outputFiles[0]!.text;
}

runTrackerScenarios(
  {
    name: 'npm-module',
    async setup(server) {
      npmModule = await buildNpmModule();
      server.serve('/app.js', await buildSpaExample(npmModule.file), 'text/javascript');
    },
    // The examples/spa app, started the way its index.html starts it.
    page: (server, options) =>
      modulePage(server, `import { start } from '/app.js'; start(${JSON.stringify(initOptions(server, options))});`),
  },
  (context) => {
    it('keeps calls made before init() and sends them once it runs', async () => {
      const site = context.newSite();
      const code = await bundle(`
        import { init, trackEvent, trackPageview } from '@sightline/tracker';
        trackEvent('Early', { props: { n: 1 } });
        trackPageview({ url: '/virtual/page' });
        init(${JSON.stringify(initOptions(context.server, { site }))});`);
      context.server.serve('/early.js', code, 'text/javascript');
      context.server.serve('/early', modulePage(context.server, "import '/early.js';"));
      await context.page.goto(context.server.url('/early'));
      const events = await context.server.waitForEvents(site, 2);
      expect(events.map(({ event }) => [event.name, event.url, event.props])).toEqual([
        ['Early', context.server.url('/early'), { n: 1 }],
        ['pageview', context.server.url('/virtual/page'), undefined],
      ]);
    });

    it('stops automatic pageviews with the function enableAutoPageviews() returns', async () => {
      const site = context.newSite();
      const code = await bundle(`
        import { enableAutoPageviews, init } from '@sightline/tracker';
        init(${JSON.stringify(initOptions(context.server, { site }))});
        window.stopPageviews = enableAutoPageviews();`);
      context.server.serve('/stoppable.js', code, 'text/javascript');
      context.server.serve('/stoppable', modulePage(context.server, "import '/stoppable.js';"));
      await context.page.goto(context.server.url('/stoppable'));
      await context.server.waitForEvents(site, 1, 0);
      await context.page.evaluate(() => history.pushState({}, '', '/counted'));
      await context.server.waitForEvents(site, 2, 0);
      await context.page.evaluate(() => {
        (window as unknown as { stopPageviews(): void }).stopPageviews();
        history.pushState({}, '', '/not-counted');
      });
      const pageviews = (await context.server.waitForEvents(site, 3, 500)).filter(({ event }) => event.name === 'pageview');
      expect(pageviews.map(({ event }) => event.url)).toEqual([context.server.url('/stoppable'), context.server.url('/counted')]);
    });
  },
);
