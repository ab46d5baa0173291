import type { Messages } from './en.ts';
import { core } from './hu/core.ts';
import { administration } from './hu/administration.ts';
import { reports } from './hu/reports.ts';
import { budgets } from './hu/budgets.ts';
import { participation } from './hu/participation.ts';

/** hu interface strings, one file per part of the platform in ./hu/. Every key of en.ts must be here. */
export const hu: Messages = { ...core, ...administration, ...reports, ...budgets, ...participation };
