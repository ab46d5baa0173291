import type { Messages } from './en.ts';

/** pt interface strings. Every key of en.ts must be here (checked by test/i18n.test.ts). */
export const pt: Partial<Messages> = {};
