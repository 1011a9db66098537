import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from '../support/databases.ts';
import { hebinEstate } from '../support/estate-fixture.ts';
import { importSampleRegister, verifiedOwners } from '../support/register-fixture.ts';
import type { OpenDatabase } from '../../src/lib/db/open.ts';
import { parseIdKey } from '../../src/lib/id-key.ts';
import { castInput, createBallotInput, paperInput } from '../../src/features/ballots/web-schemas.ts';
import { createBallotCommand } from '../../src/features/ballots/commands/create-ballot.ts';
import { closeBallotCommand, openBallotCommand, publishNoticeCommand } from '../../src/features/ballots/commands/lifecycle.ts';
import { enterPaperCommand } from '../../src/features/ballots/commands/staff-entries.ts';
import { castCommand } from '../../src/features/ballots/commands/cast.ts';

// The rules the ballot actions used to hold themselves, now in the commands of
// features/ballots/commands, called as the actions call them: (db, actor, input, now).
// Times are China Standard Time as staff type them; T0 is 1 March 2026, 08:00 in China.

process.env.GONGZHI_DATA_DIR = mkdtempSync(join(tmpdir(), 'gz-ballot-commands-'));
const KEY = parseIdKey(`v1:${Buffer.alloc(32, 5).toString('base64')}`);
const T0 = new Date('2026-03-01T00:00:00Z');
const at = (local: string) => new Date(`${local}:00+08:00`);
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const png = () => new File([PNG], 'scan.png', { type: 'image/png' });

describe.each(BACKENDS)('ballot commands on %s', (kind) => {
  let open: OpenDatabase;
  let estateId: number;
  let subId: number;
  let staff: { id: number };
  let owner: { id: number };

  /** The staff form of a new vote of the estate: two matters, 20 to 30 March. */
  const form = (over: Record<string, unknown> = {}) =>
    createBallotInput.parse({
      convener: 'subdistrict',
      title: '改造方案表决',
      projectId: null,
      noticeDays: '15',
      opensAt: '2026-03-20T09:00',
      closesAt: '2026-03-30T18:00',
      estateIds: [estateId],
      matterTitle: ['改造方案', '维修资金使用'],
      matterItem: ['7', '6'],
      ...over,
    });
  const estates = () => [{ estateId, subdistrictId: subId }];
  async function created(over: Record<string, unknown> = {}) {
    const res = await createBallotCommand(open.db, staff, { ...form(over), estates: estates() }, T0);
    if (!res.ok) throw new Error(res.error);
    return res.ballotId;
  }
  /** Created, noticed on 1 March and opened on 20 March. */
  async function opened() {
    const ballotId = await created();
    expect((await publishNoticeCommand(open.db, staff, { ballotId, postedOn: '2026-03-01', photo: null }, T0)).ok).toBe(true);
    const res = await openBallotCommand(open.db, staff, { ballotId, confirmUnowned: 'yes' }, at('2026-03-20T09:00'));
    expect(res.ok).toBe(true);
    return ballotId;
  }

  beforeAll(async () => {
    open = await freshDatabase(kind);
    ({ subId, estateId } = await hebinEstate(open.db));
    const staffId = (await open.db.selectFrom('users').select('id').where('role', '=', 'staff').executeTakeFirstOrThrow()).id;
    staff = { id: staffId };
    await importSampleRegister(open.db, estateId, staffId, KEY);
    owner = { id: (await verifiedOwners(open.db, 1, '1360000020'))[0]!.userId };
  });
  afterAll(() => open.close());

  it('create: refuses estates of two subdistricts, a project of another, a closing time already past and a building the estate lacks', async () => {
    const input = form();
    expect(await createBallotCommand(open.db, staff, { ...input, estates: [...estates(), { estateId: 999, subdistrictId: subId + 1 }] }, T0)).toEqual({
      ok: false,
      error: 'err.oneSubdistrict',
      field: 'estateIds',
    });
    expect(await createBallotCommand(open.db, staff, { ...form({ projectId: '2147483647' }), estates: estates() }, T0)).toEqual({
      ok: false,
      error: 'err.projectElsewhere',
      field: 'projectId',
    });
    // on 31 March the vote of 20–30 March is past
    expect(await createBallotCommand(open.db, staff, { ...input, estates: estates() }, at('2026-03-31T09:00'))).toEqual({
      ok: false,
      error: 'err.ballotPast',
      field: 'closesAt',
    });
    expect(await createBallotCommand(open.db, staff, { ...form({ scopeEstate: [estateId], scopeBuildings: ['1、9、1-7'] }), estates: estates() }, T0)).toEqual({
      ok: false,
      error: 'err.noSuchBuilding',
      field: 'scopeBuildings',
      unknown: '9, 1-7',
    });
  });

  it('create: the electorate is the buildings and entrances typed for an estate, or the whole estate', async () => {
    const some = await created({ scopeEstate: [estateId], scopeBuildings: ['1，2-1'] });
    const whole = await created();
    const scopes = (id: number) =>
      open.db.selectFrom('ballot_scopes').select(['estate_id', 'building', 'entrance']).where('ballot_id', '=', id).orderBy('building').execute();
    expect(await scopes(some)).toEqual([
      { estate_id: estateId, building: '1', entrance: null },
      { estate_id: estateId, building: '2', entrance: '1' },
    ]);
    expect(await scopes(whole)).toEqual([{ estate_id: estateId, building: null, entrance: null }]);
  });

  it('meeting notice: dated today or up to 90 days back, with a photo when backdated, early enough for the announced opening, once', async () => {
    const ballotId = await created();
    const notice = (postedOn: string, photo: File | null = null, now = T0) => publishNoticeCommand(open.db, staff, { ballotId, postedOn, photo }, now);
    expect(await notice('2026-03-02')).toEqual({ ok: false, error: 'err.noticeDate', field: 'postedOn' });
    expect(await notice('2025-11-30')).toEqual({ ok: false, error: 'err.noticeDate', field: 'postedOn' });
    expect(await notice('2026-02-27')).toEqual({ ok: false, error: 'err.noticePhotoRequired', field: 'photo' });
    // posted on 5 March the 15 full days end after 20 March
    expect(await notice('2026-03-05', null, at('2026-03-05T10:00'))).toEqual({ ok: false, error: 'err.noticeTooLate', field: 'postedOn' });
    expect((await notice('2026-02-27', png())).ok).toBe(true);
    const b = await open.db
      .selectFrom('ballots')
      .select(['status', 'notice_published_at', 'notice_photo_key'])
      .where('id', '=', ballotId)
      .executeTakeFirstOrThrow();
    expect(b.status).toBe('noticed');
    // the board posting counts from midnight of its day, China time
    expect(b.notice_published_at).toEqual(new Date('2026-02-26T16:00:00Z'));
    expect(b.notice_photo_key).toMatch(/\S/);
    expect(await notice('2026-03-01')).toEqual({ ok: false, error: 'err.ballotState' });
  });

  it('open and close: not before the notice period, nor the announced start; closing early needs the box ticked', async () => {
    const ballotId = await created();
    expect(await openBallotCommand(open.db, staff, { ballotId, confirmUnowned: 'yes' }, at('2026-03-20T09:00'))).toEqual({
      ok: false,
      error: 'err.ballotState',
    });
    await publishNoticeCommand(open.db, staff, { ballotId, postedOn: '2026-03-01', photo: null }, T0);
    // posted 1 March: the first moment is 17 March, 00:00 in China
    expect(await openBallotCommand(open.db, staff, { ballotId, confirmUnowned: 'yes' }, at('2026-03-16T23:00'))).toEqual({
      ok: false,
      error: 'err.noticeTooRecent',
      earliest: '2026-03-16T16:00:00.000Z',
    });
    expect(await openBallotCommand(open.db, staff, { ballotId, confirmUnowned: 'yes' }, at('2026-03-18T09:00'))).toEqual({
      ok: false,
      error: 'err.beforeOpening',
      earliest: '2026-03-20T01:00:00.000Z',
    });
    expect((await openBallotCommand(open.db, staff, { ballotId, confirmUnowned: 'yes' }, at('2026-03-20T09:00'))).ok).toBe(true);
    expect(await closeBallotCommand(open.db, staff, { ballotId, confirm: null }, at('2026-03-25T09:00'))).toEqual({
      ok: false,
      error: 'err.confirmClose',
      field: 'confirm',
    });
    expect(await closeBallotCommand(open.db, staff, { ballotId, confirm: 'early' }, at('2026-03-25T09:00'))).toEqual({ ok: true });
    expect(await closeBallotCommand(open.db, staff, { ballotId, confirm: 'early' }, at('2026-03-25T10:00'))).toEqual({ ok: false, error: 'err.ballotState' });
  });

  it('paper ballots: an open vote, a voter of the roll, the developer’s channel for the developer only, known matters, one choice at least, a scan', async () => {
    const draft = await created();
    const ballotId = await opened();
    const voters = await open.db.selectFrom('ballot_voters').select(['code', 'developer']).where('ballot_id', '=', ballotId).orderBy('code').execute();
    const household = voters.find((v) => !v.developer)!.code;
    const developer = voters.find((v) => v.developer)!.code;
    const paper = (over: Record<string, unknown>) =>
      enterPaperCommand(
        open.db,
        staff,
        paperInput.parse({ ballotId, voter: household, channel: 'paper', mandate: '纸质表决票', scan: png(), m1: 'agree', ...over }),
        at('2026-03-21T09:00'),
      );
    expect(await paper({ ballotId: draft })).toEqual({ ok: false, error: 'err.ballotNotOpen' });
    expect(await paper({ voter: 'V99999' })).toEqual({ ok: false, error: 'err.noSuchVoter', field: 'voter' });
    expect(await paper({ channel: 'developer' })).toEqual({ ok: false, error: 'err.developerChannel', field: 'channel' });
    expect(await paper({ voter: developer })).toEqual({ ok: false, error: 'err.developerChannel', field: 'channel' });
    expect(await paper({ m3: 'agree' })).toEqual({ ok: false, error: 'err.unknownMatter' });
    expect(await paper({ m1: 'blank', m2: 'blank' })).toEqual({ ok: false, error: 'err.noChoice', field: 'm1' });
    expect(await paper({ scan: new File([], 'empty.png', { type: 'image/png' }) })).toEqual({ ok: false, error: 'err.scanRequired', field: 'scan' });
    // nothing refused was recorded
    expect(await open.db.selectFrom('ballot_casts').select('id').where('ballot_id', '=', ballotId).execute()).toEqual([]);
    const res = await paper({ m2: 'oppose' });
    expect(res).toMatchObject({ ok: true, voter: household });
    const cast = await open.db
      .selectFrom('ballot_casts')
      .select(['channel', 'cast_by', 'scan_storage_key'])
      .where('ballot_id', '=', ballotId)
      .executeTakeFirstOrThrow();
    expect(cast.channel).toBe('paper');
    expect(cast.cast_by).toBe(staff.id);
    expect(cast.scan_storage_key).toMatch(/\S/);
  });

  it('online ballots from the form: every matter, no other, and only for a voter of the roll', async () => {
    const ballotId = await opened();
    const now = at('2026-03-22T09:00');
    const cast = (over: Record<string, unknown>, who = owner) => castCommand(open.db, who, castInput.parse({ ballotId, ...over }), now);
    expect(await cast({ m1: 'agree' })).toEqual({ ok: false, error: 'err.everyMatter', field: 'm2' });
    expect(await cast({ m1: 'agree', m2: 'agree', m3: 'oppose' })).toEqual({ ok: false, error: 'err.unknownMatter' });
    expect(await cast({ m1: 'agree', m2: 'oppose' }, staff)).toMatchObject({ ok: false, error: 'err.notAVoter' });
    expect(await cast({ m1: 'agree', m2: 'oppose' })).toMatchObject({ ok: true, receipt: expect.stringMatching(/\S/) });
  });
});
