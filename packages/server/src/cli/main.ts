#!/usr/bin/env node
/**
 * The operator's command line, run next to the data directory: `sightline --help` lists every
 * command of the tables in commands.ts, `sightline help <command>` shows one.
 */
import { ConfigError, loadConfig } from '../config.js';
import { createStore } from '../store/index.js';
import { UsageError, type CliCommand } from './command.js';
import { COMMANDS } from './commands.js';
import { commandHelp, overview } from './help.js';

const HELP_FLAGS = new Set(['--help', '-h']);

/** The command the words name, and the arguments after them. */
function find(words: string[]): { command: CliCommand; args: string[] } | undefined {
  for (const command of COMMANDS) {
    const name = command.name.split(' ');
    if (name.every((word, i) => words[i] === word)) return { command, args: words.slice(name.length) };
  }
  return undefined;
}

/** The commands the words begin, as `site` begins `site add` and `site list`. */
function group(words: string[]): CliCommand[] {
  return COMMANDS.filter((command) => {
    const name = command.name.split(' ');
    return words.length < name.length && words.every((word, i) => name[i] === word);
  });
}

const unknown = (words: string[]) => new UsageError(`no command "${words.join(' ')}": sightline --help lists them`);

function printHelp(words: string[]): void {
  if (words.length === 0) {
    process.stdout.write(overview(COMMANDS));
    return;
  }
  const found = find(words);
  const members = group(words);
  if (found === undefined && members.length === 0) throw unknown(words);
  process.stdout.write(found === undefined ? overview(members) : commandHelp(found.command));
}

async function run(argv: string[]): Promise<void> {
  if (argv[0] === 'help') return printHelp(argv.slice(1));
  if (argv.some((arg) => HELP_FLAGS.has(arg))) return printHelp(argv.filter((arg) => !HELP_FLAGS.has(arg)));
  if (argv.length === 0) {
    process.stderr.write(overview(COMMANDS));
    process.exitCode = 2;
    return;
  }
  const found = find(argv);
  if (found === undefined && group(argv).length > 0) {
    process.stderr.write(overview(group(argv)));
    process.exitCode = 2;
    return;
  }
  if (found === undefined) throw unknown(argv);
  const config = loadConfig();
  const store = await createStore(config.store);
  try {
    await found.command.run({ store, publicUrl: config.publicUrl }, found.args);
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  // parseArgs reports an unknown option as a TypeError with a usable message.
  const usage = error instanceof UsageError || error instanceof TypeError;
  if (error instanceof ConfigError) for (const problem of error.problems) console.error(`sightline: ${problem}`);
  else if (usage) console.error(`sightline: ${error.message}`);
  else console.error('sightline:', error instanceof Error ? error.message : error);
  process.exitCode = usage ? 2 : 1;
});
