import { metaAdapter } from './meta.ts';

/** Facebook Pages: comments under the city's posts and Messenger chats, answered through the Graph API. */
export const facebookAdapter = metaAdapter('facebook');
