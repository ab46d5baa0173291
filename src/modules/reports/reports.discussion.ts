import type { DiscussedSubjectProvider } from '../../platform/module.ts';
import { findReportById } from './reports-list.repository.ts';

/** A report can be discussed under its page by anyone signed in with a confirmed e-mail, while it is not hidden. */
export const reportDiscussion: DiscussedSubjectProvider = {
  type: 'report',
  notFound: 'REPORT_NOT_FOUND',
  async find(ctx, organisationId, id) {
    return (await findReportById(ctx.db, organisationId, id))
      ? { href: `/reports/${id}`, rules: { level: 'email' } }
      : undefined;
  },
};
