import { stringify } from 'csv-stringify/sync';
import { fenToDecimal } from '../funding/money.ts';
import { neutraliseCell } from '../../lib/files/spreadsheet-cell.ts';
import type { ProjectListItem } from '../projects/queries.ts';
import type { Stage } from '../projects/stages.ts';

/** The CSV's columns, in order (also listed on the open-data page). */
export const CSV_COLUMNS = [
  'code',
  'title',
  'subdistrict',
  'batch_year',
  'stage',
  'stage_name',
  'households',
  'budget_total_yuan',
  'donations_received_yuan',
  'residents_received_yuan',
  'lat',
  'lng',
  'url',
];

/** The CSV's first bytes: the byte order mark and the header line. */
export function csvHead(): string {
  return '\uFEFF' + stringify([CSV_COLUMNS], { record_delimiter: 'windows' });
}

/** CSV lines of these projects (no header): the export is the head and then these, batch after batch. */
export function csvLines(rows: ProjectListItem[], baseUrl: string, stageName: (stage: Stage) => string): string {
  // text that people typed is neutralised; numbers and the URL we build are not text from anyone
  const body = rows.map((p) => [
    neutraliseCell(p.code),
    neutraliseCell(p.title),
    neutraliseCell(p.subdistrictName),
    p.batchYear,
    p.stage,
    stageName(p.stage),
    p.households,
    fenToDecimal(p.totalFen),
    fenToDecimal(p.donationsReceivedFen),
    fenToDecimal(p.residentsReceivedFen),
    p.lat?.toFixed(6) ?? '',
    p.lng?.toFixed(6) ?? '',
    `${baseUrl}/projects/${encodeURIComponent(p.code)}`,
  ]);
  return stringify(body, { record_delimiter: 'windows' });
}

/**
 * The project list as CSV (UTF-8 with BOM so that spreadsheet programs read the Chinese; no cell starts a formula), built whole.
 * The download streams the same bytes in batches (`projectsCsvStream`, streams.ts).
 */
export function projectsCsv(rows: ProjectListItem[], baseUrl: string, stageName: (stage: Stage) => string): string {
  return csvHead() + csvLines(rows, baseUrl, stageName);
}
