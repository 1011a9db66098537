import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Database } from '../../../lib/db/schema.ts';
import type { Actor } from '../../policy/can.ts';
import { maskMobile } from '../../accounts/mobile.ts';
import { formatDateTime, translator } from '../../../i18n/index.ts';
import { formatHours, neutraliseCell } from '../core/rules.ts';
import type { SignupStatus } from '../tables.ts';
import { districtSubdistrictIds } from '../../geography/scope.ts';

type DB = Kysely<Database>;

export interface HoursRow {
  task: string;
  project: string;
  startsAt: Date;
  place: string;
  volunteer: string;
  phone: string;
  status: SignupStatus;
  minutes: number | null;
}

/** Every sign-up (cancelled ones left out) of the office's tasks, or of one task, for the hours sheet. */
export async function hoursRows(db: DB, actor: Actor, taskId: number | null): Promise<HoursRow[]> {
  let q = db
    .selectFrom('volunteer_signups as s')
    .innerJoin('volunteer_tasks as t', 't.id', 's.task_id')
    .innerJoin('projects as p', 'p.id', 't.project_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['t.title', 'p.code', 't.starts_at', 't.place', 'u.display_name', 'u.phone', 's.status', 's.minutes'])
    .where('s.status', '<>', 'cancelled')
    .orderBy('t.starts_at')
    .orderBy('t.id')
    .orderBy('s.seq');
  if (taskId !== null) q = q.where('t.id', '=', taskId);
  if (actor.role === 'staff') q = q.where('p.subdistrict_id', '=', actor.subdistrictId ?? 0);
  else if (actor.role === 'district_admin') q = q.where('p.subdistrict_id', 'in', districtSubdistrictIds(actor));
  else return [];
  const rows = await q.execute();
  return rows.map((r) => ({
    task: r.title,
    project: r.code,
    startsAt: r.starts_at,
    place: r.place,
    volunteer: r.display_name,
    phone: maskMobile(r.phone),
    status: r.status,
    minutes: r.minutes,
  }));
}

/** The hours sheet (Chinese headers, as the office files it); every text cell is neutralised against formulas. */
export async function hoursWorkbook(rows: readonly HoursRow[]): Promise<Uint8Array> {
  const t = translator('zh');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(t('volunteer.export.sheet'));
  sheet.addRow([
    t('volunteer.export.task'),
    t('volunteer.export.project'),
    t('volunteer.export.startsAt'),
    t('volunteer.export.place'),
    t('volunteer.export.volunteer'),
    t('volunteer.export.phone'),
    t('volunteer.export.status'),
    t('volunteer.export.hours'),
  ]);
  for (const r of rows) {
    sheet.addRow([
      neutraliseCell(r.task),
      neutraliseCell(r.project),
      formatDateTime(r.startsAt, 'zh'),
      neutraliseCell(r.place),
      neutraliseCell(r.volunteer),
      r.phone,
      t(`volunteer.status.${r.status}`),
      r.minutes === null ? '' : Number(formatHours(r.minutes)),
    ]);
  }
  const total = rows.reduce((a, r) => a + (r.minutes ?? 0), 0);
  sheet.addRow([t('volunteer.export.total'), '', '', '', '', '', '', Number(formatHours(total))]);
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((col) => {
    col.width = 16;
  });
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as unknown as Uint8Array);
}
