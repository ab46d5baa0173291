import { Type, type Static } from 'typebox';
import type { EventDeclaration } from '../../platform/events.ts';

/** A city post went out: its id, the languages it was written in, the city's news page. */
export const PostPublished = Type.Object({
  id: Type.Integer(),
  path: Type.String(),
  languages: Type.Array(Type.String()),
});

/** A published post was corrected: its channels are asked to show the new version. */
export const PostCorrected = Type.Object({ id: Type.Integer(), path: Type.String(), version: Type.Integer() });

/** A published post was withdrawn: it is no longer shown, and removed where the channels allow. */
export const PostWithdrawn = Type.Object({ id: Type.Integer(), path: Type.String() });

export const publishingEvents: EventDeclaration[] = [
  { type: 'post.published', version: 1, data: PostPublished },
  { type: 'post.corrected', version: 1, data: PostCorrected },
  { type: 'post.withdrawn', version: 1, data: PostWithdrawn },
];

export function postPublished(id: number, languages: string[]) {
  return { id, path: '/news', languages };
}

export function postCorrected(id: number, version: number) {
  return { id, path: '/news', version };
}

export function postWithdrawn(id: number) {
  return { id, path: '/news' };
}

declare module '../../platform/events.ts' {
  interface EventData {
    'post.published': Static<typeof PostPublished>;
    'post.corrected': Static<typeof PostCorrected>;
    'post.withdrawn': Static<typeof PostWithdrawn>;
  }
}
