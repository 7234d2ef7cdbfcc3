/**
 * A site's API key, kept for this tab only (sessionStorage) and never put in the URL, where it
 * would end up in history, bookmarks and server logs.
 */
const storageKey = (site: string) => `sightline:key:${site}`;

export function readKey(site: string): string | null {
  try {
    return sessionStorage.getItem(storageKey(site));
  } catch {
    return null;
  }
}

export function saveKey(site: string, key: string): void {
  try {
    sessionStorage.setItem(storageKey(site), key);
  } catch {
    // Storage disabled: the dashboard still holds the key in memory until the page closes.
  }
}

export function forgetKey(site: string): void {
  try {
    sessionStorage.removeItem(storageKey(site));
  } catch {
    // Nothing was stored.
  }
}
