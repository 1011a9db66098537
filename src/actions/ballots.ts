import { defineAction } from 'astro:actions';
import { db } from '../lib/db/index.ts';
import { config } from '../lib/config.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { checkUpload, PROOF_TYPES } from '../lib/files/upload-check.ts';
import { can, type Verb } from '../features/policy/can.ts';
import { estateResource } from '../features/geography/scope.ts';
import { projectResource } from '../features/projects/admin-queries.ts';
import type { SessionUser } from '../features/accounts/session.ts';
import { hit, LIMITS, within } from '../features/accounts/rate-limit.ts';
import { cancelBallot, closeBallot, countedOnlineCast, createBallot, databaseNow, openBallot, recordCast } from '../features/ballots/service.ts';
import { ballotResults, publishBulletin } from '../features/ballots/results-service.ts';
import { castOnline } from '../features/ballots/fast-cast.ts';
import { ballotDetail, ballotResource } from '../features/ballots/web-queries.ts';
import { postMeetingNotice, postResultNotice } from '../features/ballots/meeting-notice.ts';
import { objectionCount } from '../features/ballots/objections-service.ts';
import { legalEarliestOpening } from '../features/ballots/notice-period.ts';
import { addDays, cstDate, cstMidnight } from '../lib/calendar.ts';
import {
  MATTER_CODES,
  proxyInput,
  revokeProxyInput,
  bulletinInput,
  cancelInput,
  closeInput,
  castInput,
  choicesOf,
  createBallotInput,
  electorateTokens,
  noticeInput,
  openInput,
  paperInput,
  resolveElectorate,
} from '../features/ballots/web-schemas.ts';
import { privateStore } from '../lib/files/private-store.ts';
import { recordProxy, revokeProxy } from '../features/ballots/proxies-service.ts';

// Owners' votes. Staff act for the convener (create, post the meeting notice, open,
// close, enter paper/proxy/developer ballots, publish bulletins): each action finds the
// ballot, authorises the caller for it with can(), then calls the ballot services, which
// write in one transaction with their audit entry. Owners cast online; who may cast for
// which voter is settled by the frozen roll. Every open/close decision and every cast time
// is taken from the database's clock, never this server's.

const forbidden = { ok: false as const, error: 'err.forbidden' };
const SCAN_MAX = 5 * 1024 * 1024;
/** How far back staff may date a notice already posted on the estate's board. */
const MAX_BACKDATE_DAYS = 90;

async function authorised(user: SessionUser | null, verb: Verb, ballotId: number) {
  const database = await db();
  const ballot = await ballotResource(database, ballotId);
  if (!user || !ballot || !can(user, verb, ballot)) return null;
  return { database, ballot, user };
}

export const ballotActions = {
  create: defineAction({
    accept: 'form',
    input: createBallotInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) return forbidden;
      const database = await db();
      const estateIds = [...new Set(input.estateIds)];
      const estates = await Promise.all(estateIds.map((id) => estateResource(database, id)));
      if (estates.some((e) => !e || !can(user, 'ballot.manage', e))) return forbidden;
      const subdistricts = new Set(estates.map((e) => e!.subdistrictId));
      if (subdistricts.size !== 1) return { ok: false as const, error: 'err.oneSubdistrict', field: 'estateIds' };
      const subdistrictId = [...subdistricts][0]!;
      if (input.projectId !== null) {
        const project = await projectResource(database, input.projectId);
        if (!project || project.subdistrictId !== subdistrictId) return { ok: false as const, error: 'err.projectElsewhere', field: 'projectId' };
      }
      if (input.closesAt <= (await databaseNow(database))) return { ok: false as const, error: 'err.ballotPast', field: 'closesAt' };
      // the electorate: each ticked estate whole, or the buildings/entrances typed for it
      const scopes: { estateId: number; building: string | null; entrance: string | null }[] = [];
      for (const estateId of estateIds) {
        const row = input.scopeEstate.indexOf(estateId);
        const tokens = electorateTokens(row >= 0 ? (input.scopeBuildings[row] ?? '') : '');
        if (tokens.length === 0) {
          scopes.push({ estateId, building: null, entrance: null });
          continue;
        }
        const known = await database
          .selectFrom('entrances')
          .innerJoin('buildings', 'buildings.id', 'entrances.building_id')
          .where('buildings.estate_id', '=', estateId)
          .select(['buildings.label as building', 'entrances.label as entrance'])
          .execute();
        const { scopes: parts, unknown } = resolveElectorate(tokens, known);
        if (unknown.length) return { ok: false as const, error: 'err.noSuchBuilding', field: 'scopeBuildings', unknown: unknown.slice(0, 10).join(', ') };
        for (const p of parts) scopes.push({ estateId, building: p.building, entrance: p.entrance });
      }
      const res = await createBallot(database, user.id, {
        subdistrictId,
        projectId: input.projectId,
        title: input.title,
        explanation: input.explanation,
        convener: input.convener,
        noticeDays: input.noticeDays,
        opensAt: input.opensAt,
        closesAt: input.closesAt,
        scopes,
        matters: input.matters,
      });
      return res;
    },
  }),

  /**
   * Posts the meeting notice: the date it went up on the estate's board (today or earlier,
   * never later). A posting dated earlier than today needs a photo or scan of the posted
   * notice: the 15 days cannot be backdated on a word. Both dates are kept and shown.
   */
  publishNotice: defineAction({
    accept: 'form',
    input: noticeInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.manage', input.ballotId);
      if (!a) return forbidden;
      const now = await databaseNow(a.database);
      const today = cstDate(now);
      if (input.postedOn > today || input.postedOn < addDays(today, -MAX_BACKDATE_DAYS))
        return { ok: false as const, error: 'err.noticeDate', field: 'postedOn' };
      const b = await ballotDetail(a.database, a.ballot.ballotId);
      if (!b || b.status !== 'draft') return { ok: false as const, error: 'err.ballotState' };
      const postedAt = input.postedOn === today ? now : cstMidnight(input.postedOn);
      // the announced voting period must start no sooner than the notice period allows
      if (legalEarliestOpening(postedAt, b.notice_days) > b.opens_at) return { ok: false as const, error: 'err.noticeTooLate', field: 'postedOn' };
      const photo = input.photo && input.photo.size > 0 ? input.photo : null;
      if (input.postedOn < today && !photo) return { ok: false as const, error: 'err.noticePhotoRequired', field: 'photo' };
      let photoKey: string | null = null;
      if (photo) {
        const checked = await checkUpload(photo, PROOF_TYPES, SCAN_MAX);
        if (!checked.ok) return { ok: false as const, error: checked.error, field: 'photo' };
        photoKey = (await privateStore().put(checked.bytes)).key;
      }
      const res = await postMeetingNotice(a.database, a.user.id, b, postedAt, config().publicBaseUrl, now, photoKey);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),

  /**
   * Opens the vote and freezes the roll: not before the notice period is over, nor before the
   * announced start; while flats of the electorate have no owner on the register, only with
   * the box ticked (they are listed in the audit entry).
   */
  open: defineAction({
    accept: 'form',
    input: openInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.manage', input.ballotId);
      if (!a) return forbidden;
      const b = await a.database
        .selectFrom('ballots')
        .select(['status', 'notice_published_at', 'notice_days', 'opens_at'])
        .where('id', '=', a.ballot.ballotId)
        .executeTakeFirstOrThrow();
      if (b.status !== 'noticed' || !b.notice_published_at) return { ok: false as const, error: 'err.ballotState' };
      const now = await databaseNow(a.database);
      const earliest = legalEarliestOpening(b.notice_published_at, b.notice_days);
      if (now < earliest) return { ok: false as const, error: 'err.noticeTooRecent', earliest: earliest.toISOString() };
      if (now < b.opens_at) return { ok: false as const, error: 'err.beforeOpening', earliest: b.opens_at.toISOString() };
      const res = await openBallot(a.database, a.user.id, a.ballot.ballotId, now, { confirmUnowned: input.confirmUnowned === 'yes' });
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),

  /** Closes the vote now; before its announced end only with the box ticked. */
  close: defineAction({
    accept: 'form',
    input: closeInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.manage', input.ballotId);
      if (!a) return forbidden;
      const b = await a.database.selectFrom('ballots').select(['closes_at']).where('id', '=', a.ballot.ballotId).executeTakeFirstOrThrow();
      if ((await databaseNow(a.database)) < b.closes_at && input.confirm !== 'early')
        return { ok: false as const, error: 'err.confirmClose', field: 'confirm' };
      // the closing moment is the database's, taken once the casts in flight are done
      const res = await closeBallot(a.database, a.user.id, a.ballot.ballotId);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),

  /** Cancels a vote created or noticed by mistake, before it opens; the reason is public. */
  cancel: defineAction({
    accept: 'form',
    input: cancelInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.manage', input.ballotId);
      if (!a) return forbidden;
      const res = await cancelBallot(a.database, a.user.id, a.ballot.ballotId, input.reason);
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),

  /** A paper ballot, a proxy's ballot (授权委托书) or the developer's, entered by staff with the mandate and a scan. */
  enterPaper: defineAction({
    accept: 'form',
    input: paperInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.enterPaper', input.ballotId);
      if (!a) return forbidden;
      if (a.ballot.status !== 'open') return { ok: false as const, error: 'err.ballotNotOpen' };
      const voter = await a.database
        .selectFrom('ballot_voters')
        .select(['id', 'developer'])
        .where('ballot_id', '=', a.ballot.ballotId)
        .where('code', '=', input.voter)
        .executeTakeFirst();
      if (!voter) return { ok: false as const, error: 'err.noSuchVoter', field: 'voter' };
      if (voter.developer !== (input.channel === 'developer')) return { ok: false as const, error: 'err.developerChannel', field: 'channel' };
      const matters = await a.database.selectFrom('ballot_matters').select('code').where('ballot_id', '=', a.ballot.ballotId).execute();
      const codes = matters.map((m) => m.code);
      if (
        MATTER_CODES.some((c) => !codes.includes(c) && (input as Record<string, unknown>)[c] !== undefined && (input as Record<string, unknown>)[c] !== 'blank')
      ) {
        return { ok: false as const, error: 'err.unknownMatter' };
      }
      const choices = choicesOf(input, codes);
      if (Object.keys(choices).length === 0) return { ok: false as const, error: 'err.noChoice', field: codes[0] ?? 'm1' };
      // an empty file field is no scan at all
      if (input.scan.size === 0) return { ok: false as const, error: 'err.scanRequired', field: 'scan' };
      // over a ballot the household cast online: a deliberate act, confirmed with a reason
      const online = await countedOnlineCast(a.database, a.ballot.ballotId, voter.id);
      const votedOnline = online ? { at: online.at.toISOString(), right: online.right } : undefined;
      if (online && input.confirmOverride !== 'yes') return { ok: false as const, error: 'err.votedOnline', field: 'confirmOverride', votedOnline };
      if (online && !input.overrideReason) return { ok: false as const, error: 'err.overrideReason', field: 'overrideReason', votedOnline };
      const checked = await checkUpload(input.scan, PROOF_TYPES, SCAN_MAX);
      if (!checked.ok) return { ok: false as const, error: checked.error, field: 'scan' };
      const stored = await privateStore().put(checked.bytes);
      const res = await recordCast(a.database, {
        ballotId: a.ballot.ballotId,
        voterId: voter.id,
        castBy: a.user.id,
        channel: input.channel,
        choices,
        mandate: input.mandate,
        scanStorageKey: stored.key,
        overrideReason: online ? input.overrideReason : null,
      });
      return res.ok ? { ok: true as const, receipt: res.receipt, voter: input.voter } : res;
    },
  }),

  /** Records a written mandate checked by staff: the named account may then cast that voter's ballot online. */
  recordProxy: defineAction({
    accept: 'form',
    input: proxyInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.enterPaper', input.ballotId);
      if (!a) return forbidden;
      const checked = await checkUpload(input.scan, PROOF_TYPES, SCAN_MAX);
      if (!checked.ok) return { ok: false as const, error: checked.error, field: 'scan' };
      const stored = await privateStore().put(checked.bytes);
      return recordProxy(a.database, a.user.id, {
        ballotId: a.ballot.ballotId,
        voterCode: input.grantor.voter,
        proxyPhone: input.proxyPhone,
        grantedByOwnerId: input.grantor.ownerId,
        mandate: input.mandate,
        scanStorageKey: stored.key,
      });
    },
  }),

  revokeProxy: defineAction({
    accept: 'form',
    input: revokeProxyInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.enterPaper', input.ballotId);
      if (!a) return forbidden;
      return revokeProxy(a.database, a.user.id, a.ballot.ballotId, input.proxyId);
    },
  }),

  /** Publishes a bulletin version (preliminary first, a correction is a new version) and its result notice. */
  publishBulletin: defineAction({
    accept: 'form',
    input: bulletinInput,
    handler: async (input, ctx) => {
      const a = await authorised(ctx.locals.user, 'ballot.manage', input.ballotId);
      if (!a) return forbidden;
      const res = await publishBulletin(a.database, a.user.id, a.ballot.ballotId, input.stage);
      if (!res.ok) return res;
      const [b, results, objections] = await Promise.all([
        ballotDetail(a.database, a.ballot.ballotId),
        ballotResults(a.database, a.ballot.ballotId),
        input.stage === 'final' ? objectionCount(a.database, a.ballot.ballotId) : undefined,
      ]);
      if (b && results?.status === 'closed') {
        await postResultNotice(
          a.database,
          a.user.id,
          b,
          results.results,
          { version: res.version, stage: input.stage, sha256: res.publicSha256, objections },
          config().publicBaseUrl,
        );
        pageCache.invalidate();
      }
      return res;
    },
  }),

  /**
   * An owner's online ballot: every matter, for the voter whose flats they own; the last
   * one before the close counts. Accepted casts are limited per household inside castOnline;
   * refused attempts (not a voter here) are limited per account (LIMITS.castRefused).
   */
  cast: defineAction({
    accept: 'form',
    input: castInput,
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) return { ok: false as const, error: 'err.signInFirst' };
      if (!can(user, 'ballot.cast', {})) return forbidden;
      const database = await db();
      const matters = await database.selectFrom('ballot_matters').select('code').where('ballot_id', '=', input.ballotId).orderBy('id').execute();
      if (matters.length === 0) return { ok: false as const, error: 'err.notFound' };
      const codes = matters.map((m) => m.code);
      const choices = choicesOf(input, codes);
      const missing = codes.find((c) => !(c in choices));
      if (missing) return { ok: false as const, error: 'err.everyMatter', field: missing };
      if (MATTER_CODES.some((c) => !codes.includes(c) && (input as Record<string, unknown>)[c] !== undefined))
        return { ok: false as const, error: 'err.unknownMatter' };
      const key = String(user.id);
      if (!(await within(database, LIMITS.castRefused, key))) return { ok: false as const, error: 'err.rateLimited' };
      const res = await castOnline(database, { ballotId: input.ballotId, userId: user.id, voterCode: input.voter, choices });
      // refused attempts count too (an accepted cast was already counted by castOnline)
      if (!res.ok && (res.error === 'err.notAVoter' || res.error === 'err.chooseVoter')) await hit(database, LIMITS.castRefused, key);
      return res;
    },
  }),
};
