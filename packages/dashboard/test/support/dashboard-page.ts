/** Reads the dashboard as a person sees it: the text in the top-line cards and the panel tables. */
import type { Page } from 'playwright-core';

/** "1,234" → 1234, "41%" → 41, "2.5" → 2.5, "1m 05s" → 65, "45s" → 45, "–" → null. */
export function parseShown(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '–') return null;
  const duration = /^(?:(\d+)h\s*)?(?:(\d+)m\s*)?(?:(\d+)s)?$/.exec(trimmed);
  if (duration && /[hms]$/.test(trimmed)) {
    const [, h = '0', m = '0', s = '0'] = duration;
    return Number(h) * 3600 + Number(m) * 60 + Number(s);
  }
  const number = Number(trimmed.replace(/[,%]/g, ''));
  if (Number.isNaN(number)) throw new Error(`not a number as shown: "${text}"`);
  return number;
}

/** Waits until every section has finished loading (first paint shows them busy). */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('.top-stats[data-state]');
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
}

export async function topStats(page: Page): Promise<Record<string, number | null>> {
  const cards = await page.$$eval('.stat', (elements) =>
    elements.map((element) => [element.getAttribute('data-metric') ?? '', element.querySelector('.stat-value')?.textContent ?? ''] as const),
  );
  return Object.fromEntries(cards.map(([metric, text]) => [metric, parseShown(text)]));
}

/** One panel's rows: the value shown (its raw value for links) and each metric column. */
export async function panelRows(page: Page, panel: string): Promise<Array<{ value: string; metrics: Record<string, number | null> }>> {
  const rows = await page.$$eval(`[data-panel="${panel}"] tbody tr`, (trs) =>
    trs.map((tr) => ({
      value: tr.querySelector('a')?.getAttribute('data-value') ?? tr.querySelector('.label')?.textContent ?? '',
      cells: [...tr.querySelectorAll('td[data-metric]')].map((td) => [td.getAttribute('data-metric') ?? '', td.textContent ?? ''] as const),
    })),
  );
  return rows.map(({ value, cells }) => ({ value, metrics: Object.fromEntries(cells.map(([metric, text]) => [metric, parseShown(text)])) }));
}

/** A minimal RFC 4180 reader for the exported file (quotes, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  return rows;
}
