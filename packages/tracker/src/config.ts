/**
 * Tracker settings. They are the script tag's data attributes, as `script.dataset` presents them,
 * so the script build reads them with no parsing code; init() writes its options in the same shape.
 * A flag is on when present, whatever its value (`data-hash` and `data-hash="true"` alike).
 */
export interface Settings {
  /** data-site: the site id, the domain the site was added under, e.g. example.com. */
  site?: string;
  /** data-api: the ingest URL; the script defaults to its own origin + /api/event. */
  api?: string;
  /** data-hash: count `#/route` changes as pages, for hash-based routers. */
  hash?: string;
  /** data-exclude: comma-separated path globs never reported; `*` matches anything, `/` included. */
  exclude?: string;
  /** data-respect-dnt: send nothing when Do Not Track or Global Privacy Control is on. */
  respectDnt?: string;
  /** data-allow-localhost: report from localhost, 127.* and file: pages (skipped by default). */
  allowLocalhost?: string;
  /** data-allow-automation: report from automated browsers, navigator.webdriver (skipped by default). */
  allowAutomation?: string;
  /** data-outbound: count clicks on links to other hosts. */
  outbound?: string;
  /** data-downloads: count clicks on file links; a comma-separated list of extensions, or empty for the defaults. */
  downloads?: string;
}

/** Options of the npm module's init(). */
export interface InitOptions {
  /** The site id: the domain the site was added under, e.g. example.com. */
  site: string;
  /** The ingest URL, e.g. https://stats.example.com/api/event. */
  endpoint: string;
  /** Count `#/route` changes as pages, for hash-based routers. */
  hashRouting?: boolean;
  /** Page paths never reported, e.g. ['/admin/*']; `*` matches anything, `/` included. */
  exclude?: string[];
  /** Send nothing when the visitor has Do Not Track or Global Privacy Control switched on. */
  respectDoNotTrack?: boolean;
  /** Report from localhost, 127.* and file: pages (skipped by default). */
  allowLocalhost?: boolean;
  /** Report from automated browsers, navigator.webdriver (skipped by default). */
  allowAutomation?: boolean;
  /** Report visible time per page as `engagement` events; on unless false. */
  engagement?: boolean;
}

/** Validates init() options. The one place the tracker throws: a wrong option is a coding error. */
export function settingsFromOptions(options: InitOptions): Settings {
  const { site, endpoint, exclude = [] } = options ?? {};
  if (typeof site != 'string' || !site) throw new TypeError('Sightline init(): `site` must be the site domain, e.g. "example.com"');
  if (typeof endpoint != 'string' || !endpoint) {
    throw new TypeError('Sightline init(): `endpoint` must be the ingest URL, e.g. "https://stats.example.com/api/event"');
  }
  if (!Array.isArray(exclude)) throw new TypeError('Sightline init(): `exclude` must be an array of path globs');
  const flag = (on?: boolean) => (on ? '' : undefined);
  return {
    site,
    api: endpoint,
    hash: flag(options.hashRouting),
    exclude: exclude.join(),
    respectDnt: flag(options.respectDoNotTrack),
    allowLocalhost: flag(options.allowLocalhost),
    allowAutomation: flag(options.allowAutomation),
  };
}
