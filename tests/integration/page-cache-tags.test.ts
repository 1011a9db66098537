import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { createPageCache, FUNDS_TAG, projectTag } from '../../src/lib/http/page-cache.ts';
import { databaseVersions, touchProjectPages } from '../../src/lib/http/page-cache-db.ts';
import { createTask } from '../../src/features/volunteering/commands/create-task.ts';
import { signUp } from '../../src/features/volunteering/commands/sign-up.ts';
import { cancelSignUp } from '../../src/features/volunteering/commands/cancel-sign-up.ts';
import { decideDonation, offerDonation, receiveDonation } from '../../src/features/donations/commands/index.ts';

// Two server instances share one database: what one changes, the other stops serving
// from its cache within its check interval (0 here), and only the pages that show it.
// The database touches the tags itself (migration 0029), whatever code path writes.

const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const page = (text: string) => ({ status: 200, headers: [] as [string, string][], body: new TextEncoder().encode(text) });

describe.each(BACKENDS)('page cache tags across instances on %s', (kind) => {
  let open: OpenDatabase;
  let staffId: number;
  let a: number;
  let b: number;
  let taskA: number;
  let residentId: number;
  let other: ReturnType<typeof createPageCache>;

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const fx = await hebinEstate(open.db);
    staffId = fx.staffId;
    const project = async (code: string) =>
      (
        await open.db
          .insertInto('projects')
          .values({ code, subdistrict_id: fx.subId, title: `${code} 改造`, batch_year: 2026, stage: 3, published_at: new Date('2026-01-01T00:00:00Z') })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    a = await project('ZH-C-A');
    b = await project('ZH-C-B');
    const startsAt = new Date(Date.now() + 3 * 86_400_000);
    const task = await createTask(open.db, staffId, {
      projectId: a,
      title: '清理楼道',
      place: '3 号楼前',
      details: '',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      places: 5,
    });
    if (!task.ok) throw new Error(task.error);
    taskA = task.taskId;
    residentId = (
      await open.db.insertInto('users').values({ phone: '13500000901', password_hash: 'x', display_name: '居民' }).returning('id').executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await open?.close();
  });

  /** The other instance, its pages cached before the change. */
  async function cachedElsewhere() {
    other = createPageCache(
      databaseVersions(async () => open.db),
      { checkEveryMs: 0 },
    );
    await other.get('/'); // first read: where this instance starts
    await other.set('/', page('home'));
    await other.set('/projects/ZH-C-A', page('A'), { tags: [projectTag(a)] });
    await other.set('/projects/ZH-C-B', page('B'), { tags: [projectTag(b)] });
    await other.set('/open-data/projects.csv', page('csv'), { tags: [FUNDS_TAG] });
  }
  const cached = async (key: string) => (await other.get(key)) !== null;

  it("a sign-up on project A drops A's page on the other instance and keeps B's, the home page and the feeds", async () => {
    await cachedElsewhere();
    const res = await signUp(open.db, residentId, taskA);
    expect(res).toMatchObject({ ok: true, projectId: a });
    expect(await cached('/projects/ZH-C-A')).toBe(false);
    expect(await cached('/projects/ZH-C-B')).toBe(true);
    expect(await cached('/')).toBe(true);
    expect(await cached('/open-data/projects.csv')).toBe(true);
  });

  it('so does a cancellation', async () => {
    await cachedElsewhere();
    expect(await cancelSignUp(open.db, residentId, taskA)).toMatchObject({ ok: true, projectId: a });
    expect(await cached('/projects/ZH-C-A')).toBe(false);
    expect(await cached('/projects/ZH-C-B')).toBe(true);
  });

  it('an offer and its acceptance drop nothing; its receipt drops the project and the money feeds, not the other project or the home page', async () => {
    await cachedElsewhere();
    const offer = await offerDonation(open.db, residentId, { projectId: b, what: { kind: 'money', amountFen: 10_000 }, displayName: null });
    if (!offer.ok) throw new Error(offer.error);
    expect(await decideDonation(open.db, staffId, { donationId: offer.donationId, decision: 'accept', reason: null })).toMatchObject({ ok: true });
    for (const key of ['/', '/projects/ZH-C-A', '/projects/ZH-C-B', '/open-data/projects.csv']) expect(await cached(key), key).toBe(true);
    expect(await receiveDonation(open.db, staffId, { donationId: offer.donationId, receivedOn: TODAY, receiptNo: 'R-1' })).toMatchObject({ ok: true });
    expect(await cached('/projects/ZH-C-B')).toBe(false);
    expect(await cached('/open-data/projects.csv')).toBe(false);
    expect(await cached('/projects/ZH-C-A')).toBe(true);
    expect(await cached('/')).toBe(true);
  });

  it("a command without a trigger touches its project's pages in its own transaction: nothing before it commits, nothing else after", async () => {
    await cachedElsewhere();
    await open.db.transaction().execute(async (trx) => {
      await touchProjectPages(trx, b);
      // not committed yet: the other instance keeps serving it (PGlite has one connection, which the transaction holds)
      if (kind === 'postgres') expect(await cached('/projects/ZH-C-B')).toBe(true);
    });
    expect(await cached('/projects/ZH-C-B')).toBe(false);
    expect(await cached('/projects/ZH-C-A')).toBe(true);
    expect(await cached('/open-data/projects.csv')).toBe(true);
    await touchProjectPages(open.db, a, { funds: true });
    expect(await cached('/projects/ZH-C-A')).toBe(false);
    expect(await cached('/open-data/projects.csv')).toBe(false);
    expect(await cached('/')).toBe(true);
  });

  it('a publish still drops everything', async () => {
    await cachedElsewhere();
    await open.db.updateTable('projects').set({ title: 'ZH-C-A 改造（修订）' }).where('id', '=', a).execute();
    for (const key of ['/', '/projects/ZH-C-A', '/projects/ZH-C-B', '/open-data/projects.csv']) expect(await cached(key), key).toBe(false);
  });
});
