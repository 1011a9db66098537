import type { APIRoute } from 'astro';
import { db } from '../../../../lib/db/index.ts';
import { json, problem } from '../../../../lib/http/responses.ts';
import { cosignaturesOf, objectionFacts, objectionsOf } from '../../../../features/ballots/objections-service.ts';

/**
 * The public record of a vote's result versions: the objection period, every objection
 * (flat, day received, channel, text, the office's answer and its time; never who) and the
 * owners' committee's signatures. 404 until a result has been published.
 */
export const GET: APIRoute = async ({ params, locals }) => {
  const database = await db();
  const facts = await objectionFacts(database, Number(params.id));
  if (!facts || facts.bulletins.length === 0) return problem(404, '表决不存在或结果尚未公布', 'No such vote, or no result has been published yet', locals.lang);
  const [objections, cosignatures] = await Promise.all([objectionsOf(database, facts.ballotId), cosignaturesOf(database, facts.ballotId)]);
  return json(
    {
      ballot: { id: String(facts.ballotId), convener: facts.convener },
      objectionPeriod: facts.window ? { start: facts.window.start.toISOString(), end: facts.window.end.toISOString() } : null,
      versions: facts.bulletins.map((b) => ({
        version: b.version,
        stage: b.stage,
        publishedAt: b.published_at.toISOString(),
        objections: objections
          .filter((o) => o.version === b.version)
          .map((o) => ({
            id: o.id,
            flat: { building: o.building, entrance: o.entrance, room: o.room },
            receivedOn: o.received_on,
            channel: o.channel,
            text: o.body,
            response: o.response,
            respondedAt: o.responded_at?.toISOString() ?? null,
          })),
        cosignatures: cosignatures.filter((c) => c.version === b.version).map((c) => ({ name: c.member_name, role: c.role, signedOn: c.signed_on })),
      })),
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
};
