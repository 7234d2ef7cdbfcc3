/** What every stats route needs: who may read a site, what answers, and the present instant. */
import type { Clock } from '../clock.js';
import type { SiteAccess } from '../sites/site-access.js';
import type { StatsAnswers } from './stats-answers.js';

export interface StatsRouteDeps {
  access: SiteAccess;
  answers: StatsAnswers;
  clock: Clock;
}
