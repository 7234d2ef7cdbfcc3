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
  await page.waitForSelector('.top-stats[data-state]', { state: 'attached' });
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

/**
 * Text whose colour is below WCAG AA contrast (4.5:1) against the background it is drawn on,
 * as "selector: ratio". Backgrounds are found by walking up to the first opaque one.
 */
export async function lowContrastText(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((list) => {
    const rgb = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const channel = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element: Element | null): number[] => {
      for (let node = element; node; node = node.parentElement) {
        const parts = rgb(getComputedStyle(node).backgroundColor);
        if (parts.length === 3 || (parts.length === 4 && parts[3] === 1)) return parts.slice(0, 3);
      }
      return rgb(getComputedStyle(document.documentElement).backgroundColor);
    };
    const problems: string[] = [];
    for (const selector of list) {
      const element = document.querySelector(selector);
      if (!element) {
        problems.push(`${selector}: not on the page`);
        continue;
      }
      const [light, dark] = [luminance(rgb(getComputedStyle(element).color)), luminance(background(element))].sort((a, b) => b - a) as [number, number];
      const ratio = (light + 0.05) / (dark + 0.05);
      if (ratio < 4.5) problems.push(`${selector}: ${ratio.toFixed(2)}`);
    }
    return problems;
  }, selectors);
}
