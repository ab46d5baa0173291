import type { Messages } from './en.ts';

/** de interface strings. Every key of en.ts must be here (checked by test/i18n.test.ts). */
export const de: Partial<Messages> = {};
