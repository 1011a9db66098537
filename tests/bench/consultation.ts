import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { addDays, cstDate } from '../../src/lib/calendar.ts';
import { closingInstant } from '../../src/features/consultations/core/rules.ts';
import { sequential, percentile } from './http.ts';

// The bench's consultation: an open consultation of `comments` comments on one published
// project (half top-level opinions, half replies, by 100 accounts), written through the
// database's own rules (its triggers run for every row), so that the project page renders
// the first page of a long thread.

export async function prepareConsultation(db: Kysely<Database>, projectCode: string, comments = 5000): Promise<void> {
  const project = await db.selectFrom('projects').select('id').where('code', '=', projectCode).executeTakeFirstOrThrow();
  await db
    .insertInto('users')
    .values(Array.from({ length: 100 }, (_, i) => ({ phone: `1380000${String(i).padStart(4, '0')}`, password_hash: 'x', display_name: `评论人${i}` })))
    .execute();
  const c = await db
    .insertInto('consultations')
    .values({ project_id: project.id, title: '性能测试：方案征求意见', body: '五千条评论', closes_at: closingInstant(addDays(cstDate(new Date()), 30)) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const tops = Math.ceil(comments / 2);
  await sql`
    insert into consultation_comments (consultation_id, author_user_id, channel, author_kind, body)
    select ${c.id}, u.id, 'online', 'resident', '意见第 ' || g || ' 条：楼道照明、扶手和外墙保温请按方案执行，并注意施工噪音。'
    from generate_series(1, ${tops}) g
    join lateral (select id from users where phone like '1380000%' order by id offset (g % 100) limit 1) u on true`.execute(db);
  await sql`
    insert into consultation_comments (consultation_id, parent_id, author_user_id, channel, author_kind, body)
    select ${c.id}, t.id, t.author_user_id, 'online', 'resident', '回复：同意。'
    from (select id, author_user_id from consultation_comments where consultation_id = ${c.id} and parent_id is null order by id limit ${comments - tops}) t`.execute(
    db,
  );
  await sql`analyze consultation_comments`.execute(db);
}

/**
 * The project page with the consultation, uncached (each request has its own cache key: a
 * `page` the project page ignores), alternating request by request with the same measure
 * on a project without one, so that both see the same load.
 */
export async function consultationPageFigure(
  base: string,
  projectCode: string,
  plainCode: string,
  runs = 200,
): Promise<{ p50: number; plainP50: number; bytes: number }> {
  const path = (code: string, i: number) => `/projects/${code}?page=${i}`;
  await sequential(base, Array.from({ length: 20 }, (_, i) => [path(projectCode, 100_000 + i), path(plainCode, 100_000 + i)]).flat()); // warm up
  const times = await sequential(base, Array.from({ length: runs }, (_, i) => [path(projectCode, i + 1), path(plainCode, i + 1)]).flat());
  const html = await (await fetch(`${base}${path(projectCode, 999_999)}`)).text();
  if (!html.includes('性能测试：方案征求意见')) throw new Error('the project page does not show the bench consultation');
  return {
    p50: percentile(
      times.filter((_, i) => i % 2 === 0),
      50,
    ),
    plainP50: percentile(
      times.filter((_, i) => i % 2 === 1),
      50,
    ),
    bytes: html.length,
  };
}
