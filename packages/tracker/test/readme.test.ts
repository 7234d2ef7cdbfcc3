/** What packages/tracker/README.md shows that can be checked: the beacon it prints and the commands it gives. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEventPayload } from '@sightline/shared';
import { repoRoot } from './build.js';

const readme = readFileSync(join(repoRoot, 'packages/tracker/README.md'), 'utf8');

/** The fenced blocks of one section, by language. */
function blocks(section: string, lang: string): string[] {
  const start = readme.indexOf(`## ${section}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```', 'g'))].map((match) => match[1]!);
}

describe('packages/tracker/README.md', () => {
  it('shows a beacon the server accepts', () => {
    const [wire] = blocks('On the wire', 'json');
    expect(wire).toBeDefined();
    const parsed = parseEventPayload(JSON.parse(wire!));
    expect(parsed.success).toBe(true);
  });

  it('gives development commands that name this package and scripts it has', () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(repoRoot, 'packages/tracker/package.json'), 'utf8')).scripts as Record<string, string>);
    const [commands] = blocks('Development', 'sh');
    const lines = commands!.split('\n').map((line) => line.replace(/\s+#.*$/, ''));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const match = /^npx -y pnpm@12\.4\.2 --filter @sightline\/tracker (\S+)$/.exec(line);
      expect(match?.[1] !== undefined && scripts.includes(match[1])).toBe(true);
    }
  });
});
