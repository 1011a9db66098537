import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { BACKENDS, freshDatabase, postgresUrl } from '../support/databases.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { openPgliteInMemory, openPostgres, type OpenDatabase } from '../../src/lib/db/open.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { migrationProvider } from '../../db/migrations/index.ts';
import type { Database } from '../../src/lib/db/schema.ts';
import { appendAudit, auditHeads, recordAuditHead, verifyAudit, verifyHeads } from '../../src/features/audit/service.ts';
import { entryHash, GENESIS } from '../../src/features/audit/chain.ts';
import { discardStalePreviews } from '../../src/features/register/import-service.ts';
import { privacySweep } from '../../src/features/privacy/service.ts';
import { hebinEstate } from '../support/estate-fixture.ts';

const append = (db: Kysely<Database>, i: number) =>
  db.transaction().execute((trx) => appendAudit(trx, { actorUserId: null, action: 'test.entry', target: `t:${i}`, detail: { i } }));

/** What the tables' owner or a superuser could still do: switch the triggers off for a transaction. */
const asSuperuser = <T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>) =>
  db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    return fn(trx);
  });

describe.each(BACKENDS)('the audit record on %s', (kind) => {
  let open: OpenDatabase;
  beforeAll(async () => {
    open = await freshDatabase(kind);
  });
  afterAll(() => open.close());

  it('refuses update, delete and truncate of the log and of the recorded heads', async () => {
    for (let i = 0; i < 3; i++) await append(open.db, i);
    await recordAuditHead(open.db);
    const first = await open.db.selectFrom('audit_log').select('id').orderBy('id').executeTakeFirstOrThrow();
    await expect(sql`update audit_log set detail = '{"i": 99}'::jsonb where id = ${first.id}`.execute(open.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where id = ${first.id}`.execute(open.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log cascade`.execute(open.db)).rejects.toThrow(/append-only/);
    expect(await auditHeads(open.db)).toHaveLength(1);
    await expect(sql`update audit_heads set hash = ${'0'.repeat(64)}`.execute(open.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_heads`.execute(open.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_heads`.execute(open.db)).rejects.toThrow(/append-only/);
    // a head must be an entry's real hash, and heads never go back
    const last = await open.db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    await expect(
      open.db
        .insertInto('audit_heads')
        .values({ day: '2999-01-01', entry_id: last.id, hash: 'f'.repeat(64) })
        .execute(),
    ).rejects.toThrow(/does not match/);
    await expect(open.db.insertInto('audit_heads').values({ day: '2000-01-01', entry_id: last.id, hash: last.hash }).execute()).rejects.toThrow(
      /today only|forward/,
    );
    // a head dated in the future would stop the daily recording for good: only today's day is taken
    await expect(open.db.insertInto('audit_heads').values({ day: '2099-01-01', entry_id: last.id, hash: last.hash }).execute()).rejects.toThrow(/today only/);
    expect(await auditHeads(open.db)).toHaveLength(1);
    expect((await verifyAudit(open.db)).ok).toBe(true);
  });

  it('records the head once a day, at start-up or the first append of the day, as it stood before', async () => {
    const fresh = await freshDatabase(kind);
    const db = fresh.db;
    try {
      await recordAuditHead(db); // empty chain: nothing to record
      expect(await auditHeads(db)).toEqual([]);
      const h1 = await append(db, 1);
      const e1 = await db.selectFrom('audit_log').select('id').where('hash', '=', h1).executeTakeFirstOrThrow();
      // a head recorded on an earlier day (as if yesterday's start-up had recorded it)
      await asSuperuser(db, (trx) => trx.insertInto('audit_heads').values({ day: '2001-01-01', entry_id: e1.id, hash: h1 }).execute());
      await append(db, 2); // first append of a new day, but nothing new since that head: nothing recorded
      expect(await auditHeads(db)).toHaveLength(1);
      const h3 = await append(db, 3); // the chain has moved since: today's head is entry 2, before entry 3
      const heads = await auditHeads(db);
      expect(heads).toHaveLength(2);
      const e2 = await db.selectFrom('audit_log').select(['id', 'hash']).where('target', '=', 't:2').executeTakeFirstOrThrow();
      const today = (await sql<{ d: string }>`select (now() at time zone 'Asia/Shanghai')::date as d`.execute(db)).rows[0]!.d;
      expect(heads[1]).toEqual({ day: today, entryId: e2.id, hash: e2.hash });
      await append(db, 4);
      await recordAuditHead(db); // once a day
      expect(await auditHeads(db)).toHaveLength(2);
      expect(h3).not.toBe(e2.hash);
      expect(await verifyHeads(db, await auditHeads(db))).toEqual({ ok: true, checked: 2 });
    } finally {
      await fresh.close();
    }
  });

  it('shows a history rewritten and re-hashed behind the triggers: the recorded heads no longer match', async () => {
    const fresh = await freshDatabase(kind);
    const db = fresh.db;
    try {
      for (let i = 0; i < 5; i++) await append(db, i);
      await recordAuditHead(db);
      const published = await auditHeads(db);
      expect(published).toHaveLength(1);
      for (let i = 5; i < 8; i++) await append(db, i);
      // the superuser changes entry t:0 (before the published head) and recomputes every hash after it: the chain itself is intact again
      await asSuperuser(db, async (trx) => {
        const rows = await trx.selectFrom('audit_log').selectAll().orderBy('id').execute();
        let prev = GENESIS;
        for (const r of rows) {
          const detail = r.target === 't:0' ? { i: 100 } : r.detail;
          const hash = entryHash(prev, { at: r.at, actorUserId: r.actor_user_id, action: r.action, target: r.target, detail });
          await sql`update audit_log set detail = ${JSON.stringify(detail)}::jsonb, prev_hash = ${prev}, hash = ${hash} where id = ${r.id}`.execute(trx);
          prev = hash;
        }
      });
      expect((await verifyAudit(db)).ok).toBe(true);
      const check = await verifyHeads(db, published);
      expect(check).toMatchObject({ ok: false, day: published[0]!.day, entryId: published[0]!.entryId, reason: 'hash' });
      // and an entry deleted behind the triggers is missing
      await asSuperuser(db, (trx) => sql`delete from audit_log where id = ${published[0]!.entryId}`.execute(trx));
      expect(await verifyHeads(db, published)).toMatchObject({ ok: false, reason: 'missing' });
    } finally {
      await fresh.close();
    }
  });

  it('deletes unconfirmed register previews older than 24 hours, and only those', async () => {
    const { estateId, staffId } = await hebinEstate(open.db);
    const personal = JSON.stringify({ flats: [{ owners: [{ name: '张三' }], phone: '13812345678' }] });
    const add = (status: 'preview' | 'confirmed', hoursAgo: number) =>
      open.db
        .insertInto('register_imports')
        .values({
          estate_id: estateId,
          user_id: staffId,
          file_name: 'r.csv',
          sha256: 'x',
          status,
          summary: personal,
          created_at: sql<Date>`now() - make_interval(hours => ${hoursAgo})` as never,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const stale = await add('preview', 25);
    const fresh = await add('preview', 23);
    const confirmed = await add('confirmed', 48);
    expect(await discardStalePreviews(open.db)).toBe(1);
    const rows = new Map((await open.db.selectFrom('register_imports').select(['id', 'status', 'summary']).execute()).map((r) => [r.id, r]));
    expect(rows.get(stale.id)).toMatchObject({ status: 'discarded', summary: { discarded: true, expired: true } });
    expect(JSON.stringify(rows.get(stale.id)!.summary)).not.toMatch(/张三|13812345678/);
    expect(rows.get(fresh.id)).toMatchObject({ status: 'preview' });
    expect(JSON.stringify(rows.get(fresh.id)!.summary)).toContain('张三');
    expect(rows.get(confirmed.id)).toMatchObject({ status: 'confirmed' });
    expect(await discardStalePreviews(open.db)).toBe(0);
    // the daily privacy sweep discards them too, without waiting for an import or a restart
    const later = await add('preview', 30);
    expect(await privacySweep(open.db, { remove: async () => {} })).toMatchObject({ previews: 1 });
    expect(await open.db.selectFrom('register_imports').select('status').where('id', '=', later.id).executeTakeFirstOrThrow()).toEqual({ status: 'discarded' });
  });
});

describe.each(BACKENDS)('migration 0012 on %s', (kind) => {
  it('turns estate floor areas from true cm² into 0.01 m², like every other _cm2 column', async () => {
    const open = kind === 'pglite' ? await openPgliteInMemory() : openPostgres((await scratchDatabase(postgresUrl!, 't')).url, 2);
    try {
      const migrator = new Migrator({ db: open.db, provider: migrationProvider });
      const to11 = await migrator.migrateTo('0011_audit_append_only_heads');
      expect(to11.error).toBeUndefined();
      // the schema of 0011: a subdistrict named no district yet (0057 gives the rows of before to Zhanhe)
      const sub = (await sql<{ id: number }>`insert into subdistricts (code, name, name_en) values ('hebin', '河滨街道', 'H') returning id`.execute(open.db))
        .rows[0]!;
      const com = await open.db.insertInto('communities').values({ subdistrict_id: sub.id, name: '社区' }).returning('id').executeTakeFirstOrThrow();
      // 852.3456 m² and 60 m², stored in true cm² as the demo seed did
      for (const [name, cm2] of [
        ['甲', 8_523_456],
        ['乙', 600_000],
      ] as const) {
        await open.db
          .insertInto('estates')
          .values({
            community_id: com.id,
            name,
            address: 'a',
            build_year: 1990,
            building_count: 1,
            household_count: 1,
            floor_area_cm2: cm2,
            lat: 33.7,
            lng: 113.3,
            eligibility: '{}',
          })
          .execute();
      }
      await migrateToLatest(open.db);
      const rows = await open.db.selectFrom('estates').select(['name', 'floor_area_cm2']).orderBy('name').execute();
      expect(Object.fromEntries(rows.map((r) => [r.name, r.floor_area_cm2]))).toEqual({ 甲: 85_235, 乙: 6_000 });
      // 0057: the subdistricts of before are Zhanhe's (河南省 平顶山市 湛河区)
      const where = await open.db
        .selectFrom('subdistricts')
        .innerJoin('districts', 'districts.id', 'subdistricts.district_id')
        .innerJoin('cities', 'cities.id', 'districts.city_id')
        .innerJoin('provinces', 'provinces.id', 'cities.province_id')
        .select(['districts.code', 'districts.code_prefix', 'districts.name', 'cities.name as city', 'provinces.name as province'])
        .where('subdistricts.id', '=', sub.id)
        .executeTakeFirstOrThrow();
      expect(where).toEqual({ code: '410411', code_prefix: 'ZH', name: '湛河区', city: '平顶山市', province: '河南省' });
    } finally {
      await open.close();
    }
  });
});
