import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { DAY } from '../../src/lib/calendar.ts';
import { cstDate } from '../../src/lib/calendar.ts';
import { insertTallEstate, TALL_ESTATE_FLATS } from './tall-estate.ts';
import { createScheme, openPledging, postScheme } from '../../src/features/costshare/commands/index.ts';

// The pledge page of a 5,040-flat scheme: 35 buildings × 4 entrances × 18 floors × 2 flats,
// a tiered split over the whole estate, open for pledges, with 2,000 households pledged (as
// paper pledges, the rows the progress figures add up). Returns the public page's path.

export const SCHEME_FLATS = TALL_ESTATE_FLATS;

export async function prepareBigScheme(db: Kysely<Database>): Promise<string> {
  const project = await db
    .selectFrom('projects')
    .innerJoin('subdistricts', 'subdistricts.id', 'projects.subdistrict_id')
    .where('projects.published_at', 'is not', null)
    .select(['projects.id', 'projects.code', 'projects.subdistrict_id'])
    .orderBy('projects.id')
    .executeTakeFirstOrThrow();
  const community = await db.selectFrom('communities').select('id').where('subdistrict_id', '=', project.subdistrict_id).executeTakeFirstOrThrow();
  const estateId = await insertTallEstate(db, { projectId: project.id, communityId: community.id, name: '压测小区', address: '压测路 1 号' });
  const staff = await db
    .insertInto('users')
    .values({ phone: '13799999999', password_hash: 'x', display_name: '压测街道', role: 'staff', subdistrict_id: project.subdistrict_id })
    .returning('id')
    .executeTakeFirstOrThrow();
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const coefficients = Object.fromEntries(Array.from({ length: 18 }, (_, i) => [String(i + 1), i === 0 ? '0' : (0.5 + i * 0.05).toFixed(2)]));
  const created = await createScheme(
    db,
    staff.id,
    {
      projectId: project.id,
      content: {
        title: '压测：全小区加装电梯',
        item: '每个单元加装电梯一部',
        estateId,
        building: null,
        entrance: null,
        method: 'tiered',
        weightByArea: true,
        coefficients,
        amounts: null,
        totalYuan: '50400000.00',
        targetFen: null,
        pledgeDeadline: cstDate(new Date(now.getTime() + 30 * DAY)),
        postingDays: 7,
        ballotId: null,
        ballotMatter: null,
      },
    },
    ago(30),
  );
  if (!created.ok) throw new Error(`bench scheme: ${created.error}`);
  const posted = await postScheme(db, staff.id, { schemeId: created.schemeId }, ago(30));
  if (!posted.ok) throw new Error(`bench scheme post: ${posted.error}`);
  const opened = await openPledging(db, staff.id, { schemeId: created.schemeId }, ago(20));
  if (!opened.ok) throw new Error(`bench scheme open: ${opened.error}`);
  const version = await db.selectFrom('cost_scheme_versions').select('id').where('scheme_id', '=', created.schemeId).executeTakeFirstOrThrow();
  const households = await db
    .selectFrom('cost_scheme_households')
    .select(['id', 'share_fen'])
    .where('version_id', '=', version.id)
    .where('share_fen', '>', 0)
    .orderBy('no')
    .limit(2000)
    .execute();
  for (let i = 0; i < households.length; i += 500) {
    await db
      .insertInto('cost_pledges')
      .values(
        households.slice(i, i + 500).map((h) => ({
          scheme_id: created.schemeId,
          version_id: version.id,
          household_id: h.id,
          amount_fen: h.share_fen,
          channel: 'paper' as const,
          recorded_by: staff.id,
          scan_key: '0'.repeat(64),
          pledged_at: ago(10),
        })),
      )
      .execute();
  }
  return `/projects/${encodeURIComponent(project.code)}/schemes/${created.schemeId}`;
}
