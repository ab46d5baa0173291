import type { Messages } from './en.ts';

/** it interface strings. Every key of en.ts must be here (checked by test/i18n.test.ts). */
export const it: Partial<Messages> = {};
