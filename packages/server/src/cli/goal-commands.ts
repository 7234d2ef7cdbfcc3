/**
 * The CLI's goal and funnel commands. Goals and funnels are definitions over the stored events,
 * so a new one counts past events too; a running server reads them on its next query.
 */
import { parseArgs } from 'node:util';
import { CreateFunnelRequestSchema, CreateGoalRequestSchema, goalDisplayName } from '@sightline/shared';
import { addGoal, failureMessage, funnelJson, goalOfRequest, putFunnel, removeGoal } from '../goals/definitions.js';
import { domainOf, fail, type CliCommand, type CommandContext } from './command.js';

async function registered({ store }: CommandContext, raw: string | undefined): Promise<string> {
  const domain = domainOf(raw);
  if ((await store.getSite(domain)) === null) fail(`${domain} is not registered`);
  return domain;
}

const issues = (error: { issues: Array<{ path: PropertyKey[]; message: string }> }) => error.issues.map((issue) => issue.message).join('\n');

function idOf(raw: string | undefined, what: string): number {
  if (raw === undefined || !/^\d{1,10}$/.test(raw) || Number(raw) < 1) fail(`${what} takes a ${what.split(' ')[0]} id, as ${what.split(' ')[0]} list shows it`);
  return Number(raw);
}

async function addGoalCommand(context: CommandContext, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { event: { type: 'string' }, page: { type: 'string' } } });
  if (positionals.length !== 1 || (values.event === undefined) === (values.page === undefined)) {
    fail('goal add takes one domain and either --event <name> or --page <path pattern>');
  }
  const domain = await registered(context, positionals[0]);
  const parsed = CreateGoalRequestSchema.safeParse(
    values.event !== undefined
      ? { site_id: domain, goal_type: 'event', event_name: values.event }
      : { site_id: domain, goal_type: 'page', page_path: values.page },
  );
  if (!parsed.success) fail(issues(parsed.error));
  const added = await addGoal(context.store, domain, goalOfRequest(parsed.data), Date.now());
  if (!added.ok) fail(failureMessage(added, domain));
  console.log(`Goal ${added.goal.id} of ${domain}: ${goalDisplayName(added.goal)}`);
}

async function listGoals(context: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 1) fail('goal list takes exactly one domain');
  const domain = await registered(context, args[0]);
  const goals = await context.store.listGoals(domain);
  if (goals.length === 0) console.log(`No goals for ${domain} yet: sightline goal add ${domain} --event Signup`);
  for (const goal of goals) console.log(`${goal.id}\t${goal.type}\t${goalDisplayName(goal)}`);
}

async function deleteGoal(context: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 2) fail('goal delete takes a domain and a goal id');
  const domain = await registered(context, args[0]);
  const removed = await removeGoal(context.store, domain, idOf(args[1], 'goal delete'));
  if (!removed.ok) fail(failureMessage(removed, domain));
  console.log(`Deleted goal ${args[1]} of ${domain}`);
}

async function addFunnel(context: CommandContext, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { step: { type: 'string', multiple: true } } });
  if (positionals.length !== 2) fail('funnel add takes a domain, a name and its steps: --step <goal> --step <goal> ...');
  const domain = await registered(context, positionals[0]);
  const parsed = CreateFunnelRequestSchema.safeParse({ site_id: domain, name: positionals[1], steps: values.step ?? [] });
  if (!parsed.success) fail(issues(parsed.error));
  const put = await putFunnel(context.store, domain, parsed.data.name, parsed.data.steps, Date.now());
  if (!put.ok) fail(failureMessage(put, domain));
  const names = funnelJson(put.funnel, put.goals).steps.map((step) => step.display_name);
  console.log(`Funnel ${put.funnel.id} of ${domain}: ${put.funnel.name}: ${names.join(' → ')}`);
}

async function listFunnels(context: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 1) fail('funnel list takes exactly one domain');
  const domain = await registered(context, args[0]);
  const [funnels, goals] = await Promise.all([context.store.listFunnels(domain), context.store.listGoals(domain)]);
  if (funnels.length === 0) console.log(`No funnels for ${domain} yet: sightline funnel add ${domain} <name> --step <goal> --step <goal>`);
  for (const funnel of funnels) {
    const names = funnelJson(funnel, goals).steps.map((step) => step.display_name);
    console.log(`${funnel.id}\t${funnel.name}\t${names.join(' → ')}`);
  }
}

async function deleteFunnel(context: CommandContext, args: string[]): Promise<void> {
  if (args.length !== 2) fail('funnel delete takes a domain and a funnel id');
  const domain = await registered(context, args[0]);
  const id = idOf(args[1], 'funnel delete');
  if (!(await context.store.deleteFunnel(domain, id))) fail(`${domain} has no funnel ${id}`);
  console.log(`Deleted funnel ${id} of ${domain}`);
}

export const GOAL_COMMANDS: CliCommand[] = [
  {
    name: 'goal add',
    args: '<domain> (--event <name> | --page <path pattern>)',
    summary: 'Add a goal: a custom event, or pageviews of paths matching a pattern with *',
    details: `--event  a custom event's name, e.g. Signup
--page   a path pattern, e.g. /pricing or /blog/* (* stands for any characters)
Goals count past events too. Adding a goal the site already has shows that goal.`,
    run: addGoalCommand,
  },
  { name: 'goal list', args: '<domain>', summary: "List a site's goals: id, type and name", run: listGoals },
  {
    name: 'goal delete',
    args: '<domain> <goal id>',
    summary: 'Delete a goal (not while a funnel has it as a step)',
    run: deleteGoal,
  },
  {
    name: 'funnel add',
    args: '<domain> <name> --step <goal> --step <goal> [...]',
    summary: 'Define a funnel of 2 to 8 goals in order, or redefine the one of that name',
    details: `--step  a goal by name as goal list shows it (Signup, "Visit /pricing") or by id, once per step, in order`,
    run: addFunnel,
  },
  { name: 'funnel list', args: '<domain>', summary: "List a site's funnels and their steps", run: listFunnels },
  { name: 'funnel delete', args: '<domain> <funnel id>', summary: 'Delete a funnel (its goals stay)', run: deleteFunnel },
];
