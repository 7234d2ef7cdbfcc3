/**
 * The time zone field: a text input with every IANA zone the runtime knows as its suggestions,
 * which browsers filter as one types, so the list is searchable without any script.
 */
import { html } from './html.js';

const ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];

export function timeZoneField(value: string) {
  return html`<label for="timezone">Time zone (type to search)</label>
<input id="timezone" name="timezone" list="time-zones" autocomplete="off" spellcheck="false" required value="${value}" aria-describedby="timezone-hint">
<p class="hint" id="timezone-hint">Days and months are counted in it, e.g. Europe/Paris or America/New_York.</p>
<datalist id="time-zones">${ZONES.map((zone) => html`<option value="${zone}"></option>`)}</datalist>`;
}
