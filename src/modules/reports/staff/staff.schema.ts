import type { ColumnType, Generated } from 'kysely';
import type { ReportStatus } from '../reports.schema.ts';

declare module '../../../platform/db/schema.ts' {
  interface Database {
    reports_answer_template: {
      id: Generated<number>;
      organisation_id: number;
      status: ReportStatus;
      language: string;
      body: string;
      updated_by: number | null;
      updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
    };
  }
}
