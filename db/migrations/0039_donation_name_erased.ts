import { sql, type Kysely } from 'kysely';

// Frozen once landed. The name a donor chose to be shown on the donation board is personal
// data: when the donor closes their account it is erased (set to null, shown as anonymous),
// while the donation itself (amount or goods, receipt) stays on the public record. The guard of
// 0022 is replaced by one that allows exactly that change and nothing else it did not allow.
const GUARD = (nameMayBeErased: boolean) => sql`
    create or replace function gz_donation_guard() returns trigger language plpgsql as $$
    begin
      if TG_OP = 'INSERT' then
        if NEW.status <> 'offered' then
          raise exception 'gz_donation: a donation starts as offered, not %', NEW.status using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if TG_OP = 'DELETE' then
        if OLD.status <> 'offered' then
          raise exception 'gz_donation: a % donation is kept', OLD.status using errcode = 'check_violation';
        end if;
        return OLD;
      end if;
      if ${sql.raw(nameMayBeErased ? 'NEW.display_name is null and OLD.display_name is not null' : 'false')} then
        -- the donor's chosen name erased: only that, in the same status
        if (NEW.project_id, NEW.donor_user_id, NEW.kind, NEW.amount_fen, NEW.goods_what, NEW.goods_quantity, NEW.labour_skill, NEW.labour_hours, NEW.status,
            NEW.offered_at, NEW.decided_by, NEW.decided_at, NEW.decline_reason, NEW.received_by, NEW.received_on, NEW.receipt_no, NEW.is_demo)
           is distinct from
           (OLD.project_id, OLD.donor_user_id, OLD.kind, OLD.amount_fen, OLD.goods_what, OLD.goods_quantity, OLD.labour_skill, OLD.labour_hours, OLD.status,
            OLD.offered_at, OLD.decided_by, OLD.decided_at, OLD.decline_reason, OLD.received_by, OLD.received_on, OLD.receipt_no, OLD.is_demo) then
          raise exception 'gz_donation: erasing the name changes nothing else' using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if (NEW.project_id, NEW.donor_user_id, NEW.kind, NEW.amount_fen, NEW.goods_what, NEW.goods_quantity, NEW.labour_skill, NEW.labour_hours, NEW.display_name, NEW.offered_at, NEW.is_demo)
         is distinct from
         (OLD.project_id, OLD.donor_user_id, OLD.kind, OLD.amount_fen, OLD.goods_what, OLD.goods_quantity, OLD.labour_skill, OLD.labour_hours, OLD.display_name, OLD.offered_at, OLD.is_demo) then
        raise exception 'gz_donation: what was offered does not change' using errcode = 'check_violation';
      end if;
      if NEW.status = OLD.status then
        if NEW is distinct from OLD then
          raise exception 'gz_donation: a % donation does not change', OLD.status using errcode = 'check_violation';
        end if;
        return NEW;
      end if;
      if not ((OLD.status = 'offered' and NEW.status in ('accepted', 'declined')) or (OLD.status = 'accepted' and NEW.status = 'received')) then
        raise exception 'gz_donation: % → % is not allowed', OLD.status, NEW.status using errcode = 'check_violation';
      end if;
      if OLD.status = 'accepted' and (NEW.decided_by, NEW.decided_at, NEW.decline_reason) is distinct from (OLD.decided_by, OLD.decided_at, OLD.decline_reason) then
        raise exception 'gz_donation: the decision does not change' using errcode = 'check_violation';
      end if;
      return NEW;
    end $$`;

export async function up(db: Kysely<any>): Promise<void> {
  await GUARD(true).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await GUARD(false).execute(db);
}
