import { metaAdapter } from './meta.ts';

/** Instagram professional accounts: comments on the city's media and Direct messages, through the Graph API. */
export const instagramAdapter = metaAdapter('instagram');
