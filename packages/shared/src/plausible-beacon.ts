/**
 * Plausible's beacon, accepted on POST /api/event so a site moving from Plausible changes only
 * the host in its script tag. Its field names (long, or the one-letter ones its script sends)
 * are translated to Sightline's before the one event schema validates them.
 */

/** Plausible names the site `domain` (`d`); Sightline's own bodies never carry either. */
export function isPlausibleBeacon(body: object): boolean {
  return (Object.hasOwn(body, 'domain') || Object.hasOwn(body, 'd')) && !Object.hasOwn(body, 'site') && !Object.hasOwn(body, 's');
}

function pick(body: Record<string, unknown>, long: string, short: string): unknown {
  return Object.hasOwn(body, long) ? body[long] : body[short];
}

/**
 * Props as Plausible's script sends them: an object, or (older scripts) that object as JSON
 * text, under `props`, `p`, `meta` or `m`. Like Plausible, empty and non-scalar values are
 * dropped rather than refused; text that is not a JSON object is left for the schema to refuse.
 */
function propsOf(body: Record<string, unknown>): unknown {
  let props = pick(body, 'props', 'p') ?? pick(body, 'meta', 'm');
  if (typeof props === 'string') {
    try {
      props = JSON.parse(props);
    } catch {
      return props;
    }
  }
  if (props === null || typeof props !== 'object' || Array.isArray(props)) return props;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === '' || value === null || typeof value === 'object') continue;
    Object.defineProperty(kept, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return Object.keys(kept).length === 0 ? undefined : kept;
}

/**
 * Without hash-based routing (`h: 1`) Plausible counts a page without its fragment; with it,
 * `#/route` is part of the page, as Sightline counts it.
 */
function urlOf(body: Record<string, unknown>): unknown {
  const url = pick(body, 'url', 'u');
  if (typeof url !== 'string' || body['h'] === 1) return url;
  const mark = url.indexOf('#');
  return mark === -1 ? url : url.slice(0, mark);
}

/**
 * Sightline's long-key body for a Plausible beacon. Revenue (`revenue`, `$`), `interactive`
 * (`i`), the script version (`v`) and scroll depth (`sd`) have no counterpart and are dropped,
 * as are fields neither knows.
 */
export function fromPlausibleBeacon(body: Record<string, unknown>): Record<string, unknown> {
  const event: Record<string, unknown> = {
    site: pick(body, 'domain', 'd'),
    name: pick(body, 'name', 'n'),
    url: urlOf(body),
    referrer: pick(body, 'referrer', 'r'),
    screen_width: body['w'],
    props: propsOf(body),
    // Plausible's engagement events carry the time the page was visible, as Sightline's do.
    engagement_ms: body['e'],
  };
  for (const key of Object.keys(event)) if (event[key] === undefined) delete event[key];
  return event;
}
