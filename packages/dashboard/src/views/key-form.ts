/** Asks for a site's API key when the API says the stats are not public. */
import { h } from '../dom.js';

export function keyForm(site: string, message: string, onKey: (key: string) => void): HTMLFormElement {
  const input = h('input', { type: 'password', id: 'api-key', autocomplete: 'off', spellcheck: 'false', required: true });
  const form = h(
    'form',
    {
      class: 'key-form',
      onsubmit: (event) => {
        event.preventDefault();
        const key = input.value.trim();
        if (key) onKey(key);
      },
    },
    h('h2', {}, 'API key needed'),
    h('p', { role: 'alert' }, message),
    h('p', {}, `The stats of ${site} are private. Enter an API key with the stats:read scope; it is kept in this tab only.`),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('button', { type: 'submit' }, 'Show stats'),
  );
  queueMicrotask(() => input.focus());
  return form;
}
