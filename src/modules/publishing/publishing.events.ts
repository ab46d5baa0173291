import { Type, type Static } from 'typebox';
import type { EventDeclaration } from '../../platform/events.ts';

/** A city post went out: its id, the languages it was written in, the city's news page. */
export const PostPublished = Type.Object({
  id: Type.Integer(),
  path: Type.String(),
  languages: Type.Array(Type.String()),
});

export const publishingEvents: EventDeclaration[] = [{ type: 'post.published', version: 1, data: PostPublished }];

export function postPublished(id: number, languages: string[]) {
  return { id, path: '/news', languages };
}

declare module '../../platform/events.ts' {
  interface EventData {
    'post.published': Static<typeof PostPublished>;
  }
}
