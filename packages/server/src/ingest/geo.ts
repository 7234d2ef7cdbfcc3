/**
 * Country of a client IP, from the bundled geo-whois-asn-country database (CC0, updated with
 * each package release). The database is read into memory once; a look-up takes microseconds
 * and the IP goes no further than this function.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';
import { Reader, type CountryResponse } from 'maxmind';

export type CountryLookup = (ip: string) => string | null;

interface CountryRecord {
  country_code?: string;
}

const require = createRequire(import.meta.url);
export const DEFAULT_COUNTRY_DB = require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');

/**
 * Addresses that say nothing about a country. The database still answers for some of them
 * (192.168.1.1 comes back as AU), so they are ruled out before the look-up.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** `::ffff:203.0.113.9` is how a dual-stack socket reports an IPv4 client. */
function unmapped(ip: string): string {
  return ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

export function openCountryLookup(file: string = DEFAULT_COUNTRY_DB): CountryLookup {
  const reader = new Reader<CountryResponse & CountryRecord>(readFileSync(file));
  return (rawIp) => {
    const ip = unmapped(rawIp);
    const family = isIP(ip);
    if (family === 0 || NOT_PUBLIC.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return null;
    const code = reader.get(ip)?.country_code;
    return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : null;
  };
}
