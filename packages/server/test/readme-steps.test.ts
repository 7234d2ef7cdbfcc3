/** How the README doc-test reads a README: which blocks run, which start the server, what `…` matches. */
import { matchesShown, readmeSteps } from './support/readme-steps.js';

const fence = '```';

describe('readmeSteps', () => {
  it('runs a shell block only when its output follows, and starts the server with the variables given', () => {
    const markdown = [
      `${fence}sh`, 'npx -y pnpm@12.4.2 install && npx -y pnpm@12.4.2 build && node packages/server/dist/main.js', fence,
      'Then:', '', `${fence}sh`, 'curl -s http://localhost:8000/healthz', fence, '', `${fence}json`, '{"status":"ok"}', fence,
      `${fence}sh`, 'docker compose up', fence, 'prose in between', `${fence}text`, 'not its output', fence,
      `${fence}sh`, 'ADMIN_TOKEN=a-long-enough-token node packages/server/dist/main.js', fence,
    ].join('\n');
    expect(readmeSteps(markdown)).toEqual([
      { kind: 'start', env: {}, line: 1 },
      { kind: 'run', command: 'curl -s http://localhost:8000/healthz', expected: '{"status":"ok"}', line: 6 },
      { kind: 'start', env: { ADMIN_TOKEN: 'a-long-enough-token' }, line: 20 },
    ]);
  });
});

describe('matchesShown', () => {
  it('compares exactly but for trailing spaces, with … standing for any text within a line', () => {
    expect(matchesShown('{"created_at":"2030-01-01T00:00:00.000Z","a":1}\n', '{"created_at":"…","a":1}')).toBe(true);
    expect(matchesShown('{"a":2}', '{"a":1}')).toBe(false);
    expect(matchesShown('a  \nb', 'a\nb')).toBe(true);
    expect(matchesShown('a\nx\nb', 'a…b')).toBe(false);
    expect(matchesShown('(x)[y]', '(x)[y]')).toBe(true);
  });
});
