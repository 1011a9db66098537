import { sql, type Kysely } from 'kysely';

// Frozen once landed. The aggregates of a project's ratings, kept by the database as ratings
// are written, so that reading them costs one row whatever the number of households:
// `rating_tallies` holds per project the households that rated and, for each of the ten goals
// and each score 1–5, how many current ratings give it (`counts`, 50 integers: goal g, score s
// at (g − 1) × 5 + s). An AFTER trigger on `ratings` adds a first rating and moves a
// revision's changed goals from the old score to the new one, in the same transaction, under
// the row lock of the project's tally (ratings are never deleted: gz_rating_guard). Existing
// ratings are counted in here. Sum and mean follow exactly: Σ s × counts.
//
// A rating, a revision or an opened rating roll changes what its project's page shows: it
// touches that project's page-cache tag (0029) only.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rating_tallies')
    .addColumn('project_id', 'integer', (c) => c.primaryKey().references('rating_rolls.project_id'))
    .addColumn('responses', 'integer', (c) => c.notNull().check(sql`responses >= 0`))
    .addColumn('counts', sql`integer[]`, (c) => c.notNull().check(sql`cardinality(counts) = 50 and 0 <= all(counts)`))
    .execute();

  await sql`
    create function gz_rating_tally() returns trigger language plpgsql as $$
    declare
      d integer[] := array_fill(0, array[50]);
      nw smallint[] := array[NEW.g1, NEW.g2, NEW.g3, NEW.g4, NEW.g5, NEW.g6, NEW.g7, NEW.g8, NEW.g9, NEW.g10];
      od smallint[];
      g integer;
    begin
      for g in 1..10 loop
        d[(g - 1) * 5 + nw[g]] := d[(g - 1) * 5 + nw[g]] + 1;
      end loop;
      if TG_OP = 'UPDATE' then
        od := array[OLD.g1, OLD.g2, OLD.g3, OLD.g4, OLD.g5, OLD.g6, OLD.g7, OLD.g8, OLD.g9, OLD.g10];
        for g in 1..10 loop
          d[(g - 1) * 5 + od[g]] := d[(g - 1) * 5 + od[g]] - 1;
        end loop;
      end if;
      if TG_OP = 'INSERT' then
        insert into rating_tallies as t (project_id, responses, counts) values (NEW.project_id, 1, d)
          on conflict (project_id) do update
            set responses = t.responses + 1,
                counts = (select array_agg(a + b order by i) from unnest(t.counts, excluded.counts) with ordinality as u(a, b, i));
      else
        -- a revision: its first version made the row
        update rating_tallies t
          set counts = (select array_agg(a + b order by i) from unnest(t.counts, d) with ordinality as u(a, b, i))
          where t.project_id = NEW.project_id;
      end if;
      perform gz_touch_page_tags(array['project:' || NEW.project_id]);
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_rating_tally after insert or update on ratings for each row execute function gz_rating_tally()`.execute(db);

  await sql`
    create function gz_rating_roll_touch() returns trigger language plpgsql as $$
    begin
      perform gz_touch_page_tags(array['project:' || NEW.project_id]);
      return null;
    end $$`.execute(db);
  await sql`create trigger gz_rating_roll_touch after insert on rating_rolls for each row execute function gz_rating_roll_touch()`.execute(db);

  // the ratings given before this migration
  await sql`
    insert into rating_tallies (project_id, responses, counts)
    select r.project_id, count(*),
      (select array_agg(coalesce(x.n, 0)::integer order by k.i)
         from generate_series(1, 50) as k(i)
         left join (select (gs.g - 1) * 5 + gs.s as i, count(*) as n
                      from ratings r2
                      cross join lateral (values (1, r2.g1), (2, r2.g2), (3, r2.g3), (4, r2.g4), (5, r2.g5),
                                                 (6, r2.g6), (7, r2.g7), (8, r2.g8), (9, r2.g9), (10, r2.g10)) as gs(g, s)
                     where r2.project_id = r.project_id
                     group by 1) x on x.i = k.i)
    from ratings r
    group by r.project_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists gz_rating_roll_touch on rating_rolls`.execute(db);
  await sql`drop function if exists gz_rating_roll_touch()`.execute(db);
  await sql`drop trigger if exists gz_rating_tally on ratings`.execute(db);
  await sql`drop function if exists gz_rating_tally()`.execute(db);
  await db.schema.dropTable('rating_tallies').ifExists().execute();
}
