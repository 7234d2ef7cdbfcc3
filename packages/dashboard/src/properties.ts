/** What each breakdown panel shows: which properties, under which names, with which metrics. */
import type { Metric } from './api.js';
import type { Filter } from './filters.js';

export interface Tab {
  label: string;
  property: string;
  /** Column heading for the property's values. */
  column: string;
  metrics: Metric[];
  /** Added to the view's filters for this tab only. */
  filters?: Filter[];
  /** Column headings in place of the metrics' usual ones. */
  headings?: Partial<Record<Metric, string>>;
}

export interface PanelSpec {
  id: string;
  title: string;
  tabs: Tab[];
  /** What an empty panel says, when "nothing recorded" would not explain it. */
  empty?: string;
}

const NOT_AUTOMATIC: Filter = { property: 'event:name', operator: '!=', values: ['pageview', 'engagement'] };

const tab = (label: string, property: string, column: string, metrics: Metric[] = ['visitors']): Tab => ({ label, property, column, metrics });

export const PANELS: PanelSpec[] = [
  {
    id: 'pages',
    title: 'Pages',
    tabs: [
      tab('Top pages', 'event:page', 'Page', ['visitors', 'pageviews']),
      tab('Entry pages', 'visit:entry_page', 'Entry page', ['visitors', 'visits']),
      tab('Exit pages', 'visit:exit_page', 'Exit page', ['visitors', 'visits']),
    ],
  },
  {
    id: 'sources',
    title: 'Sources',
    tabs: [
      tab('Sources', 'visit:source', 'Source', ['visitors', 'bounce_rate']),
      tab('Referrers', 'visit:referrer', 'Referrer'),
      tab('UTM sources', 'visit:utm_source', 'UTM source'),
      tab('UTM mediums', 'visit:utm_medium', 'UTM medium'),
      tab('UTM campaigns', 'visit:utm_campaign', 'UTM campaign'),
      tab('UTM terms', 'visit:utm_term', 'UTM term'),
      tab('UTM contents', 'visit:utm_content', 'UTM content'),
    ],
  },
  {
    id: 'locations',
    title: 'Locations',
    tabs: [tab('Countries', 'visit:country', 'Country')],
  },
  {
    id: 'devices',
    title: 'Devices',
    tabs: [
      tab('Browsers', 'visit:browser', 'Browser'),
      tab('Operating systems', 'visit:os', 'Operating system'),
      tab('Devices', 'visit:device', 'Device'),
    ],
  },
  {
    id: 'events',
    title: 'Custom events',
    // Pageviews and engagement pings are the tracker's own events, not the site's custom ones.
    tabs: [{ ...tab('Events', 'event:name', 'Event', ['visitors', 'events']), filters: [NOT_AUTOMATIC] }],
  },
  {
    id: 'goals',
    title: 'Goal conversions',
    tabs: [
      {
        ...tab('Goals', 'event:goal', 'Goal', ['visitors', 'events', 'conversion_rate']),
        headings: { visitors: 'Uniques', events: 'Total', conversion_rate: 'Conv. rate' },
      },
    ],
    empty: 'No goal completed in this period. Goals are added on the site\'s page in the web admin, with sightline goal add or with the Sites API.',
  },
];

export const PROP_PREFIX = 'event:props:';

/** The props panel's tab for one prop key, chosen by the person reading. */
export function propTab(key: string): Tab {
  return { ...tab(`Prop: ${key}`, PROP_PREFIX + key, key, ['visitors', 'events']), filters: [NOT_AUTOMATIC] };
}

/** The API names a breakdown's value after the property's last segment: `page`, `utm_source`, the prop key. */
export function shortName(property: string): string {
  return property.startsWith(PROP_PREFIX) ? property.slice(PROP_PREFIX.length) : property.slice(property.indexOf(':') + 1);
}

const LABELS: Record<string, string> = {
  'event:page': 'Page',
  'event:name': 'Event',
  'event:hostname': 'Hostname',
  'event:goal': 'Goal',
  'visit:entry_page': 'Entry page',
  'visit:exit_page': 'Exit page',
  'visit:source': 'Source',
  'visit:referrer': 'Referrer',
  'visit:utm_source': 'UTM source',
  'visit:utm_medium': 'UTM medium',
  'visit:utm_campaign': 'UTM campaign',
  'visit:utm_term': 'UTM term',
  'visit:utm_content': 'UTM content',
  'visit:country': 'Country',
  'visit:browser': 'Browser',
  'visit:os': 'Operating system',
  'visit:device': 'Device',
};

export function propertyLabel(property: string): string {
  return LABELS[property] ?? (property.startsWith(PROP_PREFIX) ? `Prop ${property.slice(PROP_PREFIX.length)}` : property);
}

/** How every panel shows a value that was not recorded; the title says what that means there. */
export const NONE = '(none)';

const NONE_MEANS: Record<string, string> = {
  'visit:source': 'no referrer and no UTM tag: typed in, bookmarked, or opened from an app',
  'visit:referrer': 'no referrer: typed in, bookmarked, or opened from an app',
  'visit:country': 'not known for the address the visit came from',
};

export function noneMeans(property: string): string {
  return NONE_MEANS[property] ?? 'not recorded';
}
