import type { Messages } from './en.ts';

/** fr interface strings. Every key of en.ts must be here (checked by test/i18n.test.ts). */
export const fr: Partial<Messages> = {};
