/**
 * The install section's live line: asks the server every few seconds whether the site has
 * received an event, and says "received" once it has.
 */
const POLL_MS = 3_000;

export function watchFirstEvent(element: HTMLElement): void {
  const url = element.dataset.firstEvent ?? '';
  const label = element.querySelector<HTMLElement>('.label');
  if (url === '' || label === null) return;
  const ask = async (): Promise<void> => {
    const received = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then((response) => (response.ok ? (response.json() as Promise<{ received?: unknown }>) : null))
      .then((body) => body?.received === true)
      .catch(() => false);
    if (received) {
      element.classList.add('received');
      label.textContent = 'Received: the first event is in. The dashboard is ready.';
      return;
    }
    setTimeout(() => void ask(), POLL_MS);
  };
  void ask();
}
