/**
 * What a per-address limit counts as one client: an IPv4 address, or an IPv6 /64. One IPv6
 * subscriber or LAN is given a whole /64 at least (RFC 6177; SLAAC needs one per link), so
 * counting single IPv6 addresses would hand one machine 2^64 budgets. IPv4-mapped IPv6
 * (`::ffff:192.0.2.1`, what a dual-stack socket reports for an IPv4 client) is the IPv4 address.
 */
import { isIPv6 } from 'node:net';

const GROUPS = 8;

/** `::` expanded and an embedded dotted quad turned into two groups: eight 16-bit numbers. */
function groupsOf(ip: string): number[] {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(head);
  if (rest === undefined) return left;
  const right = parse(rest);
  return [...left, ...new Array<number>(GROUPS - left.length - right.length).fill(0), ...right];
}

/** Never throws: anything that is not an IPv6 address (IPv4, an empty or odd string) is its own key. */
export function addressKey(address: string): string {
  if (!address.includes(':')) return address;
  const zone = address.indexOf('%');
  const ip = zone === -1 ? address : address.slice(0, zone);
  if (!isIPv6(ip)) return address;
  const groups = groupsOf(ip);
  const [g5 = 0, g6 = 0, g7 = 0] = groups.slice(5);
  if (groups.slice(0, 5).every((group) => group === 0) && g5 === 0xffff) {
    return `${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}
