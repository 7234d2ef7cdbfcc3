/**
 * The CLI's people commands: adding someone (or the owner, without the setup link) and a new
 * password link. Both print a one-time link to open in a browser; no password is ever typed
 * into, or printed by, the command line.
 */
import { parseArgs } from 'node:util';
import { AccountError, Accounts, ROLES } from '../accounts/accounts.js';
import { StoreSessions } from '../accounts/session-store.js';
import { systemClock } from '../clock.js';
import type { Role } from '../store/accounts.js';
import { domainOf, fail, type CliCommand, type CommandContext } from './command.js';

const accountsOf = ({ store, publicUrl }: CommandContext) => new Accounts(store.accounts, new StoreSessions(store.accounts), systemClock, publicUrl);

async function addUser(context: CommandContext, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, site: { type: 'string', multiple: true } },
  });
  if (positionals.length !== 1) fail('user add takes exactly one e-mail address');
  const role = values.role as Role | undefined;
  if (role === undefined || !ROLES.includes(role)) fail(`give --role ${ROLES.join('|')}`);
  const sites = (values.site ?? []).map(domainOf);
  if (role === 'viewer' && sites.length === 0) fail('a viewer reads chosen sites: give --site <domain> once per site');
  if (role !== 'viewer' && sites.length > 0) fail(`--site is for viewers: an ${role} reads every site`);
  for (const site of sites) if ((await context.store.getSite(site)) === null) fail(`${site} is not registered`);
  try {
    const link = await accountsOf(context).invite(positionals[0]!, role, sites);
    console.log(`Added ${positionals[0]!.trim().toLowerCase()} (${role}${role === 'viewer' ? ` of ${sites.join(', ')}` : ''}). They choose a password with this link, which works once, for 7 days:\n\n  ${link}\n`);
  } catch (error) {
    if (error instanceof AccountError) fail(error.message);
    throw error;
  }
}

async function resetPassword(context: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 1) fail('user reset-password takes exactly one e-mail address');
  try {
    const link = await accountsOf(context).resetLink(args[0]!);
    console.log(`A new password for ${args[0]!.trim().toLowerCase()} is chosen with this link, which works once, for 24 hours; choosing it signs them out everywhere:\n\n  ${link}\n`);
  } catch (error) {
    if (error instanceof AccountError) fail(error.message);
    throw error;
  }
}

async function listUsers({ store }: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 0) fail('user list takes no arguments');
  const users = await store.accounts.listUsers();
  if (users.length === 0) console.log('Nobody has an account yet: open the setup link the server prints, or sightline user add <email> --role owner');
  for (const user of users) {
    console.log(`${user.email}\t${user.role}${user.role === 'viewer' ? ` of ${user.sites.join(',')}` : ''}\t${user.passwordHash === null ? 'invited' : 'active'}`);
  }
}

export const USER_COMMANDS: CliCommand[] = [
  {
    name: 'user add',
    args: '<email> --role owner|admin|viewer [--site <domain> ...]',
    summary: 'Add a person who signs in to the web admin; prints their one-time link to choose a password',
    details: `--role owner   everything, people included
--role admin   every site, its settings and keys
--role viewer  the dashboards of the sites given with --site (once per site)`,
    run: addUser,
  },
  {
    name: 'user reset-password',
    args: '<email>',
    summary: 'Print a one-time link with which the person chooses a new password',
    run: resetPassword,
  },
  {
    name: 'user list',
    args: '',
    summary: 'List the people with an account: e-mail, role, whether they have chosen a password',
    run: listUsers,
  },
];
