/**
 * Browser, OS and device class from the User-Agent, and the bot verdict. The raw string is
 * used here and dropped; only these coarse names are ever stored.
 */
import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';

export interface Client {
  browser: string | null;
  os: string | null;
  device: string;
  bot: boolean;
}

/**
 * Screen-width classes as site owners think of them; widths follow common CSS breakpoints
 * (576 px phones, 992 px tablets, 1440 px laptops).
 */
function deviceFromWidth(width: number): string {
  if (width < 576) return 'Mobile';
  if (width < 992) return 'Tablet';
  if (width < 1440) return 'Laptop';
  return 'Desktop';
}

function deviceFromAgent(type: string | undefined): string {
  switch (type) {
    case 'mobile':
    case 'wearable':
      return 'Mobile';
    case 'tablet':
      return 'Tablet';
    default:
      return 'Desktop';
  }
}

/** Real traffic repeats a few hundred agent strings; parsing each once saves most of the cost. */
const MEMO_LIMIT = 2000;
const memo = new Map<string, Omit<Client, 'device'> & { agentDevice: string }>();

function parse(userAgent: string) {
  let parsed = memo.get(userAgent);
  if (parsed === undefined) {
    const result = new UAParser(userAgent).getResult();
    parsed = {
      browser: result.browser.name ?? null,
      os: result.os.name ?? null,
      agentDevice: deviceFromAgent(result.device.type),
      bot: userAgent.trim() === '' || isbot(userAgent),
    };
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(userAgent, parsed);
  }
  return parsed;
}

export function describeClient(userAgent: string, screenWidth: number | null | undefined): Client {
  const parsed = parse(userAgent);
  return {
    browser: parsed.browser,
    os: parsed.os,
    device: screenWidth !== null && screenWidth !== undefined ? deviceFromWidth(screenWidth) : parsed.agentDevice,
    bot: parsed.bot,
  };
}
