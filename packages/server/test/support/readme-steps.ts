/**
 * A README as the steps a reader takes: every `sh` block followed by the output it shows is a
 * command to run and compare, and a block that starts the server (`node packages/server/dist/main.js`,
 * with any variables set before it) starts it. In shown output, `…` stands for text that differs from
 * one run to the next (a time, a key).
 */

export type ReadmeStep =
  | { kind: 'start'; env: Record<string, string>; line: number }
  | { kind: 'run'; command: string; expected: string; line: number };

interface Block {
  lang: string;
  text: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** 0-based index of the line after the closing fence. */
  end: number;
}

const OUTPUT_LANGS = new Set(['', 'text', 'json']);
/** The quickstart's command, or the server started again with settings: `ADMIN_TOKEN=… node …/main.js`. */
const START = /^((?:[A-Z_]+=\S+\s+)*)(?:npx -y pnpm@[\d.]+ install && npx -y pnpm@[\d.]+ build && )?node packages\/server\/dist\/main\.js$/;

function blocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const close = lines.findIndex((line, j) => j > i && line.trimEnd() === '```');
    if (close === -1) throw new Error(`line ${i + 1}: a code block is never closed`);
    found.push({ lang: open[1]!, text: lines.slice(i + 1, close).join('\n'), line: i + 1, end: close + 1 });
    i = close;
  }
  return found;
}

function startEnv(assignments: string): Record<string, string> {
  return Object.fromEntries(
    assignments
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

export function readmeSteps(markdown: string): ReadmeStep[] {
  const lines = markdown.split('\n');
  const all = blocks(markdown);
  const steps: ReadmeStep[] = [];
  all.forEach((block, i) => {
    if (block.lang !== 'sh') return;
    const start = START.exec(block.text.trim());
    if (start) {
      steps.push({ kind: 'start', env: startEnv(start[1]!), line: block.line });
      return;
    }
    const next = all[i + 1];
    const adjacent = next !== undefined && lines.slice(block.end, next.line - 1).every((line) => line.trim() === '');
    if (adjacent && OUTPUT_LANGS.has(next.lang)) steps.push({ kind: 'run', command: block.text, expected: next.text, line: block.line });
  });
  return steps;
}

/** Whether `actual` is what `expected` shows, `…` matching any text within a line. */
export function matchesShown(actual: string, expected: string): boolean {
  const tidy = (text: string) => text.split('\n').map((line) => line.trimEnd()).join('\n').trim();
  const pattern = tidy(expected)
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^\\n]*?');
  return new RegExp(`^${pattern}$`).test(tidy(actual));
}
