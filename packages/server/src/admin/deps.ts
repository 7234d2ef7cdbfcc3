/** What the admin pages share. */
import type { Accounts } from '../accounts/accounts.js';
import type { LoginLimits } from '../accounts/login-limits.js';
import type { SharedLinks } from '../accounts/shared-links.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { SiteDirectory } from '../sites/site-directory.js';
import type { EventStore } from '../store/types.js';
import type { FormTokens } from './csrf.js';

export interface AdminDeps {
  accounts: Accounts;
  links: SharedLinks;
  store: EventStore;
  sites: SiteDirectory;
  clock: Clock;
  config: Config;
  loginLimits: LoginLimits;
  formTokens: FormTokens;
  dashboardDir: string;
  /** PUBLIC_URL is https: cookies are Secure. */
  https: boolean;
}
