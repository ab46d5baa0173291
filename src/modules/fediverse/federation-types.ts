import type { Organisation } from '../../platform/organisations/organisations.ts';

/** What Fedify hands every dispatcher and listener: the city the request came to (by its host). */
export interface FediverseData {
  organisation: Organisation;
}

/** The worker's job that hands Fedify's queued deliveries to remote servers. */
export const DELIVER_JOB = 'fediverse.deliver';
