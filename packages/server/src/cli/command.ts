/**
 * What every CLI command is: its words, its arguments and a line about it (the help is made from
 * these), and what it does with the store. A command added to any table shows up in the help.
 */
import { SiteIdSchema } from '@sightline/shared';
import type { EventStore } from '../store/types.js';

export interface CommandContext {
  store: EventStore;
  /** Where browsers reach the server, for printed snippets. */
  publicUrl: string;
}

export interface CliCommand {
  /** The words that name it, e.g. `site add`. */
  name: string;
  /** Its arguments as the usage line shows them, e.g. `<domain> [--public]`. */
  args: string;
  /** One line for the command list. */
  summary: string;
  /** More for `sightline help <command>`: options, what the server notices and when. */
  details?: string;
  run(context: CommandContext, args: string[]): Promise<void>;
}

/** A mistake in how the command was called: told on stderr, exit status 2. */
export class UsageError extends Error {}

export function fail(message: string): never {
  throw new UsageError(message);
}

export function domainOf(raw: string | undefined): string {
  const parsed = SiteIdSchema.safeParse(raw);
  if (!parsed.success) fail(`${raw ?? '(missing)'}: must be a domain name such as example.com`);
  return parsed.data;
}

/** "1 event", "2 events". */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
