/** The CLI's help, made from the command tables so that every command is listed as it is. */
import type { CliCommand } from './command.js';

const ABOUT = `Sightline's command line: sites, API keys, goals and funnels, people and stored data, in the store the server uses
(the SQLite file in DATA_DIR, default ./data, or MONGODB_URI). Run it where you run the server.`;

export const usageLine = (command: CliCommand) => `sightline ${command.name}${command.args ? ` ${command.args}` : ''}`;

export function overview(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const rows = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `${ABOUT}\n\nUsage: sightline <command> [arguments]\n\nCommands:\n${rows.join('\n')}\n\nsightline help <command> shows a command's arguments, e.g. sightline help site add.\n`;
}

export function commandHelp(command: CliCommand): string {
  return `Usage: ${usageLine(command)}\n\n${command.summary}.${command.details ? `\n\n${command.details}` : ''}\n`;
}
