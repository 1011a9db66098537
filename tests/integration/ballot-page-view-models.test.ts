import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import type { SessionUser } from '../../src/features/accounts/session.ts';
import { castInput, createBallotInput, paperInput } from '../../src/features/ballots/web-schemas.ts';
import { createBallotCommand } from '../../src/features/ballots/commands/create-ballot.ts';
import { closeBallotCommand, openBallotCommand, publishNoticeCommand } from '../../src/features/ballots/commands/lifecycle.ts';
import { enterPaperCommand } from '../../src/features/ballots/commands/staff-entries.ts';
import { castCommand } from '../../src/features/ballots/commands/cast.ts';
import { loadBallotPage } from '../../src/features/ballots/queries/ballot-page.ts';
import { loadAdminBallotPage } from '../../src/features/ballots/queries/admin-ballot-page.ts';
import { loadRollPage, loadSlipsPage } from '../../src/features/ballots/queries/roll-page.ts';
import { loadConfirmPage, loadNewBallotForm } from '../../src/features/ballots/queries/forms.ts';
import { zhanhe } from '../support/districts.ts';

// What each ballot page shows to whom, from the view models the pages render: a verified
// owner, a signed-in stranger, nobody signed in, the subdistrict's staff and staff elsewhere.
// The ballots are made through the staff and owner commands, as the pages' users make them.
// The sample register's first flat is 1-1-101, 102.76 m², owned by one person alone. The votes
// are set in 2030: the ballot's detail closes a vote past its end by the database's own clock.

process.env.GONGZHI_DATA_DIR = mkdtempSync(join(tmpdir(), 'gz-ballot-pages-'));
const KEY = parseIdKey(`v1:${Buffer.alloc(32, 6).toString('base64')}`);
const T0 = new Date('2030-03-01T00:00:00Z');
const at = (local: string) => new Date(`${local}:00+08:00`);
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe.each(BACKENDS)('ballot page view models on %s', (kind) => {
  let open: OpenDatabase;
  let draftId: number;
  let openId: number;
  let closedId: number;
  let owner: SessionUser;
  let stranger: SessionUser;
  let staff: SessionUser;
  let elsewhere: SessionUser;
  const VOTING = at('2030-03-22T09:00');

  const person = (id: number, over: Partial<SessionUser> = {}): SessionUser => ({
    id,
    displayName: 'x',
    phone: '13600000000',
    role: 'resident',
    subdistrictId: null,
    communityId: null,
    ownerStatusHeld: false,
    ...over,
  });

  beforeAll(async () => {
    open = await freshDatabase(kind);
    const { subId, estateId, staffId } = await hebinEstate(open.db);
    await importSampleRegister(open.db, estateId, staffId, KEY);
    owner = person((await verifiedOwners(open.db, 1, '1360000030'))[0]!.userId);
    const newUser = async (phone: string) =>
      (await open.db.insertInto('users').values({ phone, password_hash: 'x', display_name: 'u' }).returning('id').executeTakeFirstOrThrow()).id;
    stranger = person(await newUser('13600000399'));
    staff = person(staffId, { role: 'staff', subdistrictId: subId });
    const otherSub = (
      await open.db
        .insertInto('subdistricts')
        .values({ district_id: await zhanhe(open.db), code: 'beidu', name: '北渡街道', name_en: 'B' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    elsewhere = person(await newUser('13600000398'), { role: 'staff', subdistrictId: otherSub });

    const create = async (title: string) => {
      const input = createBallotInput.parse({
        convener: 'subdistrict',
        title,
        projectId: null,
        noticeDays: '15',
        opensAt: '2030-03-20T09:00',
        closesAt: '2030-03-30T18:00',
        estateIds: [estateId],
        matterTitle: ['改造方案', '维修资金使用'],
        matterItem: ['7', '6'],
      });
      const res = await createBallotCommand(open.db, staff, { ...input, estates: [{ estateId, subdistrictId: subId }] }, T0);
      if (!res.ok) throw new Error(res.error);
      return res.ballotId;
    };
    const openIt = async (ballotId: number) => {
      expect((await publishNoticeCommand(open.db, staff, { ballotId, postedOn: '2030-03-01', photo: null }, T0)).ok).toBe(true);
      expect((await openBallotCommand(open.db, staff, { ballotId, confirmUnowned: 'yes' }, at('2030-03-20T09:00'))).ok).toBe(true);
    };
    draftId = await create('草稿表决');
    openId = await create('进行中的表决');
    await openIt(openId);
    // the owner votes online; staff enter a paper ballot for the second household of the roll
    expect((await castCommand(open.db, owner, castInput.parse({ ballotId: openId, m1: 'agree', m2: 'oppose' }), at('2030-03-21T10:00'))).ok).toBe(true);
    const second = await open.db
      .selectFrom('ballot_voters')
      .innerJoin('ballot_voter_units', 'ballot_voter_units.voter_id', 'ballot_voters.id')
      .select('ballot_voters.code')
      .where('ballot_voters.ballot_id', '=', openId)
      .where('ballot_voter_units.building', '=', '1')
      .where('ballot_voter_units.room', '=', '102')
      .executeTakeFirstOrThrow();
    const paper = paperInput.parse({
      ballotId: openId,
      voter: second.code,
      channel: 'paper',
      mandate: '纸质表决票',
      scan: new File([PNG], 's.png', { type: 'image/png' }),
      m1: 'oppose',
      m2: 'blank',
    });
    expect((await enterPaperCommand(open.db, staff, paper, at('2030-03-21T11:00'))).ok).toBe(true);
    closedId = await create('已结束的表决');
    await openIt(closedId);
    expect((await closeBallotCommand(open.db, staff, { ballotId: closedId, confirm: 'early' }, at('2030-03-21T09:00'))).ok).toBe(true);
  });
  afterAll(() => open.close());

  it('a draft is no page for the public, a resident or staff elsewhere, and a preview for the staff who manage it', async () => {
    expect(await loadBallotPage(open.db, draftId, null, VOTING)).toBeNull();
    expect(await loadBallotPage(open.db, draftId, stranger, VOTING)).toBeNull();
    expect(await loadBallotPage(open.db, draftId, elsewhere, VOTING)).toBeNull();
    const preview = await loadBallotPage(open.db, draftId, staff, VOTING);
    expect(preview).toMatchObject({ unpublished: true, status: 'draft', live: null, mine: [], whyNot: null, lookup: null });
    expect(preview!.ballot.title).toBe('草稿表决');
    expect(await loadBallotPage(open.db, 2_147_483_647, staff, VOTING)).toBeNull();
  });

  it('an open vote: the owner sees the flat they vote for and the ballot that counts; a stranger is told why not; nobody signed in sees the turnout', async () => {
    const mine = await loadBallotPage(open.db, openId, owner, VOTING);
    expect(mine).toMatchObject({ unpublished: false, status: 'open', whyNot: null, objectionOpen: false, objectionFlats: [] });
    expect(mine!.live).toMatchObject({ status: 'open', turnout: { voters: 2 } });
    expect(mine!.mine).toHaveLength(1);
    expect(mine!.mine[0]).toMatchObject({
      right: 'owner',
      units: [{ building: '1', entrance: '1', room: '101', areaCm2: 10276 }],
      last: { channel: 'online', byMe: true, casts: 1 },
      counted: { m1: 'agree', m2: 'oppose' },
    });
    const theirs = await loadBallotPage(open.db, openId, stranger, VOTING);
    expect(theirs).toMatchObject({ status: 'open', mine: [], whyNot: { reason: 'unverified', flats: [] } });
    const anyone = await loadBallotPage(open.db, openId, null, VOTING);
    expect(anyone).toMatchObject({ status: 'open', mine: [], whyNot: null });
    expect(anyone!.live).toMatchObject({ status: 'open', turnout: { voters: 2 } });
  });

  it('a receipt is looked up only on a closed vote’s published bulletin', async () => {
    const receipt = (await open.db.selectFrom('ballot_voters').select('receipt').where('ballot_id', '=', openId).limit(1).executeTakeFirstOrThrow()).receipt;
    expect((await loadBallotPage(open.db, openId, null, VOTING, { receipt: '不是回执' }))!.lookup).toEqual({ state: 'invalid' });
    expect((await loadBallotPage(open.db, openId, null, VOTING, { receipt }))!.lookup).toEqual({ state: 'notYet' });
    const closedReceipt = (await open.db.selectFrom('ballot_voters').select('receipt').where('ballot_id', '=', closedId).limit(1).executeTakeFirstOrThrow())
      .receipt;
    const closed = await loadBallotPage(open.db, closedId, null, VOTING, { receipt: closedReceipt });
    expect(closed).toMatchObject({ status: 'closed', bulletins: [], lookup: { state: 'notPublished' }, objectionOpen: false, preliminaries: [] });
    expect(closed!.live).toMatchObject({ status: 'closed' });
  });

  it('the office’s page: for staff of the subdistrict only, with the frozen roll, the entries and the last casts', async () => {
    expect(await loadAdminBallotPage(open.db, openId, elsewhere, VOTING)).toBeNull();
    expect(await loadAdminBallotPage(open.db, openId, stranger, VOTING)).toBeNull();
    expect(await loadAdminBallotPage(open.db, 2_147_483_647, staff, VOTING)).toBeNull();
    const page = await loadAdminBallotPage(open.db, openId, staff, VOTING);
    const voters = await open.db.selectFrom('ballot_voters').select('code').where('ballot_id', '=', openId).execute();
    expect(page).toMatchObject({ status: 'open', canPaper: true, counts: { online: 1, paper: 1 }, today: '2030-03-22', facts: null, proxies: [] });
    expect(page!.roll.frozen).toBe(true);
    expect(page!.roll.voters).toHaveLength(voters.length);
    expect(page!.cast.size).toBe(2);
    expect(page!.entries).toHaveLength(1);
    const draft = await loadAdminBallotPage(open.db, draftId, staff, VOTING);
    expect(draft).toMatchObject({ status: 'draft', counts: {}, grantors: [], proxies: [] });
    expect(draft!.roll.frozen).toBe(false);
    expect(draft!.cast.size).toBe(0);
  });

  it('the roll: totals for anyone, the flats for its owners and staff, each look recorded; a draft’s only for its staff', async () => {
    const looks = (userId: number) =>
      open.db.selectFrom('audit_log').select('id').where('action', '=', 'ballot.roll.view').where('actor_user_id', '=', userId).execute();
    const voters = await open.db.selectFrom('ballot_voters').select('code').where('ballot_id', '=', openId).execute();
    const anyone = await loadRollPage(open.db, openId, null);
    expect(anyone).toMatchObject({ inspect: false, totals: { voters: voters.length } });
    expect((await loadRollPage(open.db, openId, stranger))!.inspect).toBe(false);
    expect(await looks(stranger.id)).toEqual([]);
    expect((await loadRollPage(open.db, openId, owner))!.inspect).toBe(true);
    expect(await looks(owner.id)).toHaveLength(1);
    expect(await loadRollPage(open.db, draftId, null)).toBeNull();
    expect(await loadRollPage(open.db, draftId, owner)).toBeNull();
    expect(await loadRollPage(open.db, draftId, staff)).toMatchObject({ inspect: true, roll: { frozen: false } });
  });

  it('paper slips: for the office of an open or closed vote only, one per voter with its receipt, printing recorded', async () => {
    expect(await loadSlipsPage(open.db, openId, elsewhere)).toBeNull();
    expect(await loadSlipsPage(open.db, draftId, staff)).toBeNull();
    const before = await open.db.selectFrom('audit_log').select('id').where('action', '=', 'ballot.slips').execute();
    expect(before).toEqual([]);
    const slips = await loadSlipsPage(open.db, openId, staff);
    const voters = await open.db.selectFrom('ballot_voters').select(['code', 'receipt']).where('ballot_id', '=', openId).execute();
    expect(slips!.roll.voters).toHaveLength(voters.length);
    expect(slips!.receipts.get(voters[0]!.code)).toBe(voters[0]!.receipt);
    expect(slips!.matters.map((m) => [m.code, m.title])).toEqual([
      ['m1', '改造方案'],
      ['m2', '维修资金使用'],
    ]);
    const logged = await open.db.selectFrom('audit_log').select(['actor_user_id', 'target']).where('action', '=', 'ballot.slips').execute();
    expect(logged).toEqual([{ actor_user_id: staff.id, target: `ballot:${openId}` }]);
  });

  it('the confirmation step and the new-ballot form', async () => {
    expect(await loadConfirmPage(open.db, draftId, owner)).toBeNull();
    expect((await loadConfirmPage(open.db, openId, owner))!.mine.map((v) => v.units)).toEqual([
      [{ building: '1', entrance: '1', room: '101', areaCm2: 10276 }],
    ]);
    expect((await loadConfirmPage(open.db, openId, stranger))!.mine).toEqual([]);
    expect((await loadConfirmPage(open.db, openId, null))!.mine).toEqual([]);
    const form = await loadNewBallotForm(open.db, staff);
    expect(form.estates.map((e) => e.name)).toEqual(['建设小区']);
    expect(form.projects).toEqual([]);
    expect(await loadNewBallotForm(open.db, elsewhere)).toEqual({ estates: [], projects: [] });
  });
});
