import { sql, type Kysely } from 'kysely';

// Frozen once landed. A comment (written, edited, deleted, hidden, restored) shows on its
// project's pages only: it touches that project's page-cache tag (0029) on every server
// instance, whatever code path writes it, instead of waiting for the next publish.
// Opening, closing and publishing a consultation still bump the disclosure version (0024).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function gz_consultation_comment_touch() returns trigger language plpgsql as $$
    begin
      perform gz_touch_page_tags(array['project:' || (select project_id from consultations where id = NEW.consultation_id)]);
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_consultation_comment_touch after insert or update on consultation_comments for each row execute function gz_consultation_comment_touch()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists gz_consultation_comment_touch on consultation_comments`.execute(db);
  await sql`drop function if exists gz_consultation_comment_touch()`.execute(db);
}
