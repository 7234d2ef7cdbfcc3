/** `<button data-copy="id">` copies the text of the element with that id, and says so next to itself. */
const COPIED_MS = 4_000;

export function enableCopyButtons(root: ParentNode): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    const source = document.getElementById(button.dataset.copy ?? '');
    const status = button.parentElement?.querySelector<HTMLElement>('.copied') ?? null;
    if (source === null) continue;
    button.addEventListener('click', async () => {
      const text = source.textContent ?? '';
      const said = await navigator.clipboard.writeText(text).then(
        () => 'Copied.',
        () => {
          // Without clipboard access (an insecure origin), select the text so Ctrl+C copies it.
          const range = document.createRange();
          range.selectNodeContents(source);
          getSelection()?.removeAllRanges();
          getSelection()?.addRange(range);
          return 'Selected: press Ctrl+C (⌘C) to copy.';
        },
      );
      if (status === null) return;
      status.textContent = said;
      setTimeout(() => {
        if (status.textContent === said) status.textContent = '';
      }, COPIED_MS);
    });
  }
}
