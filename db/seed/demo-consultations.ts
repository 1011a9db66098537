import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { addDays, cstDate } from '../../src/lib/calendar.ts';
import { closingInstant } from '../../src/features/consultations/core/rules.ts';
import { closeConsultation, disposeOpinion, enterPaperOpinion, postComment, publishReport } from '../../src/features/consultations/commands/index.ts';

// Demo mode only: on the demo project of the first estate (where the demo owners are
// verified), one open consultation with a few comments, and one closed with its report
// published as a notice. Marked is_demo; every later step goes through the commands, so
// the database's rules and the audit chain hold as for any other consultation.

async function openDemo(db: Kysely<Database>, projectId: number, staffId: number, title: string, body: string, days: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const c = await trx
      .insertInto('consultations')
      .values({ project_id: projectId, title, body, closes_at: closingInstant(addDays(cstDate(new Date()), days)), created_by: staffId, is_demo: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const doc = await trx
      .selectFrom('documents')
      .select('id')
      .where('project_id', '=', projectId)
      .where('published_at', 'is not', null)
      .orderBy('id')
      .executeTakeFirst();
    if (doc) await trx.insertInto('consultation_documents').values({ consultation_id: c.id, document_id: doc.id }).execute();
    return c.id;
  });
}

function must<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`demo consultation: ${(r as unknown as { error: string }).error}`);
  return r as Extract<T, { ok: true }>;
}

export async function seedDemoConsultations(db: Kysely<Database>, ownerIds: number[], staffId: number): Promise<void> {
  const estate = await db.selectFrom('estates').select('id').orderBy('id').executeTakeFirstOrThrow();
  const project = await db
    .selectFrom('projects')
    .innerJoin('project_estates', 'project_estates.project_id', 'projects.id')
    .select('projects.id')
    .where('project_estates.estate_id', '=', estate.id)
    .where('projects.is_demo', '=', true)
    .where('projects.published_at', 'is not', null)
    .orderBy('projects.code')
    .executeTakeFirst();
  if (!project || ownerIds.length < 2) return;
  const staff = { id: staffId, role: 'staff' as const };
  const owner = (i: number) => ({ id: ownerIds[i]!, role: 'resident' as const });

  // A past consultation, closed and reported.
  const past = await openDemo(db, project.id, staffId, '小区绿化和停车方案征求意见', '请对绿化带调整和停车位划线方案提出意见。', 20);
  const a = must(await postComment(db, owner(0), { consultationId: past, body: '希望保留 1 号楼前的两棵香樟树。' }));
  must(await postComment(db, owner(1), { consultationId: past, body: '停车位请留出消防通道。' }));
  must(await enterPaperOpinion(db, staffId, { consultationId: past, channel: 'paper', building: '2', body: '建议增设非机动车棚。' }));
  must(await postComment(db, staff, { consultationId: past, parentId: a.commentId, body: '已请设计单位核实，香樟树保留。' }));
  must(await closeConsultation(db, staffId, { consultationId: past, earlyReason: '演示数据：征集已结束' }));
  const record = await db.selectFrom('consultation_opinions').select('id').where('consultation_id', '=', past).orderBy('id').execute();
  const answers = [
    ['adopted', '两棵香樟树保留，绿化带绕行。'],
    ['adopted', '划线时留出 4 米消防通道。'],
    ['partly', '增设一处非机动车棚，位置在 2 号楼西侧；第二处场地不足。'],
  ] as const;
  for (const [i, o] of record.entries()) {
    const [disposition, reason] = answers[i] ?? ['answered', '已答复。'];
    must(await disposeOpinion(db, staffId, { opinionId: o.id, disposition, reason }));
  }
  must(await publishReport(db, staffId, { consultationId: past }));

  // An open consultation with a few comments.
  const open = await openDemo(db, project.id, staffId, '楼道扶手和声控灯方案征求意见', '楼道计划两侧加装扶手、更换声控灯，请提出意见。', 30);
  const b = must(
    await postComment(db, owner(0), { consultationId: open, body: '扶手高度请按老年人使用的标准做，参考 https://www.mohurd.gov.cn/ 的相关规范。' }),
  );
  must(await postComment(db, owner(1), { consultationId: open, parentId: b.commentId, body: '同意，最好两侧都装。' }));
  must(await postComment(db, staff, { consultationId: open, parentId: b.commentId, body: '收到，按无障碍设计规范执行。' }));
  must(await enterPaperOpinion(db, staffId, { consultationId: open, channel: 'in_person', building: '1', body: '声控灯延时请长一些，老人上楼慢。' }));
}
