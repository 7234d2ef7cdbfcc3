/**
 * The site's visitors. Who a visitor is (country, browser, whether they log in) is fixed for the
 * whole history and derived from their index, so a population of millions costs no memory.
 */
import { hashId, weighted, type Weighted } from '../../prng.js';

export interface ClientProfile {
  browser: string;
  os: string;
  device: string;
  screenWidth: number;
}

export interface Visitor {
  country: string;
  client: ClientProfile;
  /** Logged-in visitors send a user_id, which the server turns into the same id on every day. */
  identified: boolean;
  index: number;
}

const COUNTRIES: Weighted<string> = [
  ['DE', 30],
  ['US', 24],
  ['FR', 12],
  ['GB', 10],
  ['NL', 9],
  ['IN', 8],
  ['BR', 7],
];

// Device classes follow the screen width, as the server derives them (Mobile < 576 <= Tablet < 992 <= Laptop < 1440 <= Desktop).
const CLIENTS: Weighted<ClientProfile> = [
  [{ browser: 'Chrome', os: 'Windows', device: 'Desktop', screenWidth: 1920 }, 22],
  [{ browser: 'Chrome', os: 'Windows', device: 'Laptop', screenWidth: 1366 }, 10],
  [{ browser: 'Safari', os: 'macOS', device: 'Laptop', screenWidth: 1280 }, 11],
  [{ browser: 'Mobile Safari', os: 'iOS', device: 'Mobile', screenWidth: 390 }, 18],
  [{ browser: 'Mobile Chrome', os: 'Android', device: 'Mobile', screenWidth: 412 }, 15],
  [{ browser: 'Firefox', os: 'Linux', device: 'Desktop', screenWidth: 1920 }, 4],
  [{ browser: 'Firefox', os: 'Windows', device: 'Desktop', screenWidth: 2560 }, 4],
  [{ browser: 'Edge', os: 'Windows', device: 'Laptop', screenWidth: 1280 }, 7],
  [{ browser: 'Samsung Internet', os: 'Android', device: 'Mobile', screenWidth: 384 }, 4],
  [{ browser: 'Mobile Safari', os: 'iOS', device: 'Tablet', screenWidth: 820 }, 5],
];

const IDENTIFIED_PERCENT = 15;

const unit = (id: number) => id / 2 ** 48;

export function visitorAt(index: number): Visitor {
  return {
    index,
    country: weighted(COUNTRIES, unit(hashId(index, 1))),
    client: weighted(CLIENTS, unit(hashId(index, 2))),
    identified: unit(hashId(index, 3)) * 100 < IDENTIFIED_PERCENT,
  };
}

/** The visitorId the server would store: anonymous ids change with the daily salt, identified ones do not. */
export function visitorIdOn(visitor: Visitor, day: number): number {
  return visitor.identified ? hashId(visitor.index, 4) : hashId(visitor.index, 5, day);
}
