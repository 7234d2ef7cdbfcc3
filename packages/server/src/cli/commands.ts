/** Every command of the CLI, in the order the help lists them. */
import { ACCESS_COMMANDS } from './access-commands.js';
import type { CliCommand } from './command.js';
import { DATA_COMMANDS } from './data-commands.js';
import { GOAL_COMMANDS } from './goal-commands.js';
import { SITE_COMMANDS } from './site-commands.js';
import { USER_COMMANDS } from './user-commands.js';

export const COMMANDS: readonly CliCommand[] = [...SITE_COMMANDS, ...GOAL_COMMANDS, ...DATA_COMMANDS, ...ACCESS_COMMANDS, ...USER_COMMANDS];
