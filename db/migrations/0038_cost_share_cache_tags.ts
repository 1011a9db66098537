import { sql, type Kysely } from 'kysely';

// Frozen once landed. Cost-share writes touch the page-cache tags (0029) of their own project
// on every server instance, whatever code path writes, instead of dropping every cached page:
// - an objection or a pledge (lodged, withdrawn, released, paid): `project:<id>`;
// - a payment (recorded, marked for refund) or a refund: `project:<id>` and `funds`, since the
//   budget's received figure, the project JSON, the CSV and OC4IDS show the money received;
// - a scheme changing state (posted, pledging, funded, lapsed, withdrawn): `project:<id>`, the
//   project page lists its schemes with their state.
// These replace 0026's triggers that bumped the disclosure version (every page of every
// instance) on each payment, refund and change of state: no page outside the project's own
// and the money feeds shows any of it (the scheme page itself is never cached).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger gz_cost_payment_version on cost_payments`.execute(db);
  await sql`drop trigger gz_cost_refund_version on cost_refunds`.execute(db);
  await sql`drop trigger gz_cost_scheme_version on cost_schemes`.execute(db);

  await sql`
    create function gz_cost_scheme_touch() returns trigger language plpgsql as $$
    begin
      perform gz_touch_page_tags(array['project:' || NEW.project_id]);
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_cost_scheme_touch after update of status on cost_schemes for each row when (OLD.status is distinct from NEW.status) execute function gz_cost_scheme_touch()`.execute(
    db,
  );

  await sql`
    create function gz_cost_pledge_touch() returns trigger language plpgsql as $$
    begin
      perform gz_touch_page_tags(array['project:' || (select project_id from cost_schemes where id = NEW.scheme_id)]);
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_cost_pledge_touch after insert or update on cost_pledges for each row execute function gz_cost_pledge_touch()`.execute(db);

  await sql`
    create function gz_cost_objection_touch() returns trigger language plpgsql as $$
    begin
      perform gz_touch_page_tags(array['project:' || (
        select s.project_id from cost_scheme_versions v join cost_schemes s on s.id = v.scheme_id where v.id = NEW.version_id
      )]);
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_cost_objection_touch after insert or update on cost_scheme_objections for each row execute function gz_cost_objection_touch()`.execute(
    db,
  );

  // cost_payments has pledge_id, cost_refunds payment_id: both lead to the scheme's project
  await sql`
    create function gz_cost_money_touch() returns trigger language plpgsql as $$
    declare
      pid integer;
    begin
      if TG_TABLE_NAME = 'cost_refunds' then
        select s.project_id into pid from cost_payments pay join cost_pledges p on p.id = pay.pledge_id join cost_schemes s on s.id = p.scheme_id where pay.id = NEW.payment_id;
      else
        select s.project_id into pid from cost_pledges p join cost_schemes s on s.id = p.scheme_id where p.id = NEW.pledge_id;
      end if;
      perform gz_touch_page_tags(array['project:' || pid, 'funds']);
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_cost_payment_touch after insert or update on cost_payments for each row execute function gz_cost_money_touch()`.execute(db);
  await sql`create trigger gz_cost_refund_touch after insert on cost_refunds for each row execute function gz_cost_money_touch()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists gz_cost_refund_touch on cost_refunds`.execute(db);
  await sql`drop trigger if exists gz_cost_payment_touch on cost_payments`.execute(db);
  await sql`drop trigger if exists gz_cost_objection_touch on cost_scheme_objections`.execute(db);
  await sql`drop trigger if exists gz_cost_pledge_touch on cost_pledges`.execute(db);
  await sql`drop trigger if exists gz_cost_scheme_touch on cost_schemes`.execute(db);
  for (const f of ['gz_cost_money_touch', 'gz_cost_objection_touch', 'gz_cost_pledge_touch', 'gz_cost_scheme_touch']) {
    await sql.raw(`drop function if exists ${f}()`).execute(db);
  }
  // 0026's disclosure bumps, as they were
  await sql`create trigger gz_cost_payment_version after insert or update on cost_payments for each row execute function gz_cost_money_bump_version()`.execute(
    db,
  );
  await sql`create trigger gz_cost_refund_version after insert on cost_refunds for each row execute function gz_cost_money_bump_version()`.execute(db);
  await sql`create trigger gz_cost_scheme_version after update of status on cost_schemes for each row when (OLD.status is distinct from NEW.status) execute function gz_cost_money_bump_version()`.execute(
    db,
  );
}
