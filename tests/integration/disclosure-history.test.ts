import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { zhanhe } from '../support/districts.ts';

describe.each(BACKENDS)('history of published data on %s', (kind) => {
  let open: OpenDatabase;
  let published: number;
  let draft: number;
  const version = async () => (await open.db.selectFrom('disclosure_version').select('version').executeTakeFirstOrThrow()).version;
  const history = (projectId: number) => open.db.selectFrom('disclosure_history').selectAll().where('project_id', '=', projectId).orderBy('id').execute();

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const sub = await open.db
      .insertInto('subdistricts')
      .values({ district_id: await zhanhe(open.db), code: 'hebin', name: '河滨街道', name_en: 'Hebin' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const mk = (code: string, publishedAt: Date | null) =>
      open.db
        .insertInto('projects')
        .values({ code, subdistrict_id: sub.id, title: code, batch_year: 2021, stage: 1, published_at: publishedAt })
        .returning('id')
        .executeTakeFirstOrThrow();
    published = (await mk('ZH-PUB-1', new Date('2021-03-01T00:00:00Z'))).id;
    draft = (await mk('ZH-DRAFT-1', null)).id;
  });
  afterAll(() => open.close());

  it('records additions, edits and deletions of a published project’s data, old → new', async () => {
    const line = await open.db
      .insertInto('budget_lines')
      .values({ project_id: published, channel: 'district', amount_fen: 100_000 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await open.db.updateTable('budget_lines').set({ amount_fen: 120_000 }).where('id', '=', line.id).execute();
    await open.db.deleteFrom('budget_lines').where('id', '=', line.id).execute();
    const rows = await history(published);
    expect(rows.map((r) => [r.entity, r.field])).toEqual([
      ['budget_line', 'created'],
      ['budget_line', 'amount_fen'],
      ['budget_line', 'deleted'],
    ]);
    expect(rows[1]).toMatchObject({ entity_id: line.id, old_value: '100000', new_value: '120000' });
    expect(JSON.parse(rows[0]!.new_value!)).toMatchObject({ channel: 'district', amount_fen: 100000 });
    expect(JSON.parse(rows[2]!.old_value!)).toMatchObject({ amount_fen: 120000 });
    expect(rows.every((r) => r.changed_at instanceof Date)).toBe(true);
  });

  it('records each changed column of the project itself, but not the bookkeeping time', async () => {
    await open.db.updateTable('projects').set({ stage: 2, title: 'ZH-PUB-1 新标题', updated_at: new Date() }).where('id', '=', published).execute();
    const rows = (await history(published)).filter((r) => r.entity === 'project');
    expect(rows.map((r) => [r.field, r.old_value, r.new_value]).sort()).toEqual([
      ['stage', '1', '2'],
      ['title', 'ZH-PUB-1', 'ZH-PUB-1 新标题'],
    ]);
  });

  it('keeps drafts private: no history until published, and publishing is not a change', async () => {
    await open.db
      .insertInto('scope_items')
      .values({ project_id: draft, code: 'services.culture', description: 'x', quantity_x100: 100, unit: '处', estimated_cost_fen: 1 })
      .execute();
    await open.db.updateTable('projects').set({ title: 'draft edit' }).where('id', '=', draft).execute();
    await open.db.updateTable('projects').set({ published_at: new Date() }).where('id', '=', draft).execute();
    expect(await history(draft)).toEqual([]);
  });

  it('bumps the disclosure version on every change to public data, once per statement', async () => {
    const before = await version();
    await open.db.insertInto('notices').values({ subdistrict_id: 1, kind: 'other', title: 't', body: 'b', published_at: new Date() }).execute();
    const afterOne = await version();
    expect(afterOne).toBe(before + 1);
    await open.db.updateTable('notices').set({ title: 't2' }).execute();
    expect(await version()).toBe(afterOne + 1);
  });

  it('lets a bulk load of new data skip history inside its own transaction only', async () => {
    await open.db.transaction().execute(async (trx) => {
      const { sql } = await import('kysely');
      await sql`select set_config('gongzhi.skip_history', 'on', true)`.execute(trx);
      await trx.insertInto('fee_schedules').values({ project_id: published, item: '物业服务费', unit: '元/㎡·月', before_fen: 35, after_fen: 80 }).execute();
    });
    expect((await history(published)).some((r) => r.entity === 'fee_schedule')).toBe(false);
    await open.db.updateTable('fee_schedules').set({ after_fen: 90 }).where('project_id', '=', published).execute();
    expect((await history(published)).filter((r) => r.entity === 'fee_schedule').map((r) => r.field)).toEqual(['after_fen']);
  });
});

describe.each(BACKENDS)('text with a NUL byte on %s', (kind) => {
  it('is stored without it instead of failing the statement', async () => {
    const open = await freshDatabase(kind);
    try {
      const row = await open.db
        .insertInto('subdistricts')
        .values({ district_id: await zhanhe(open.db), code: 'nul', name: '河\u0000滨', name_en: 'H\u0000' })
        .returning(['name', 'name_en'])
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ name: '河滨', name_en: 'H' });
      const { sql } = await import('kysely');
      const found = await sql<{ n: string }>`select name as n from subdistricts where name = ${'河\u0000滨'}`.execute(open.db);
      expect(found.rows).toEqual([{ n: '河滨' }]);
      const { appendAudit, verifyAudit } = await import('../../src/features/audit/service.ts');
      await open.db
        .transaction()
        .execute((trx) => appendAudit(trx, { actorUserId: null, action: 'test.nul', target: 'x\u0000', detail: { name: 'a\u0000b', list: ['\u0000'] } }));
      expect((await verifyAudit(open.db)).ok).toBe(true);
      const stored = await open.db.selectFrom('audit_log').select(['target', 'detail']).where('action', '=', 'test.nul').executeTakeFirstOrThrow();
      expect(stored).toEqual({ target: 'x', detail: { name: 'ab', list: [''] } });
    } finally {
      await open.close();
    }
  });
});
