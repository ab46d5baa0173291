import type { Messages } from './en.ts';
import { core } from './es/core.ts';
import { administration } from './es/administration.ts';
import { reports } from './es/reports.ts';
import { budgets } from './es/budgets.ts';
import { participation } from './es/participation.ts';

/** es interface strings, one file per part of the platform in ./es/. Every key of en.ts must be here. */
export const es: Messages = { ...core, ...administration, ...reports, ...budgets, ...participation };
