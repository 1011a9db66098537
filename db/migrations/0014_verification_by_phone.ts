import { sql, type Kysely } from 'kysely';

// Frozen once landed. A name and an ID number are not proof (ID numbers are not secret in
// China): a claim is verified automatically only when the account's confirmed mobile number
// is the one the register holds for that owner; otherwise staff decide on proof.
// - owner_verifications.status gains 'review': an automatic verification made under the old
//   rule (name + ID number only) whose account's confirmed mobile is not the register's phone
//   for that owner. Every path that requires status = 'verified' (gz_cast_voters, gz_cast,
//   the household texts, owners' objections) excludes it until staff review it.
// - owner_verifications.ground: why staff approved (certificate checked at the office, proof
//   document checked, register corrected, or a legal basis of SPC interpretation Art. 1).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table owner_verifications drop constraint owner_verifications_status_check`.execute(db);
  await sql`alter table owner_verifications add constraint owner_verifications_status_check
    check (status in ('pending', 'review', 'verified', 'rejected', 'revoked'))`.execute(db);
  await db.schema
    .alterTable('owner_verifications')
    .addColumn('ground', 'text', (c) => c.check(sql`ground in ('certificate', 'proof', 'register_corrected', 'inheritance', 'court', 'occupation')`))
    .execute();
  await holdUnprovenAutoVerifications(db);
}

/**
 * Automatic verifications made on name and ID number alone wait for staff review: all but
 * those whose account's confirmed mobile is the register's phone for that owner (which the
 * rule of this migration would have verified anyway).
 */
export async function holdUnprovenAutoVerifications(db: Kysely<any>): Promise<void> {
  await sql`
    update owner_verifications ov set status = 'review', reason = 'verification.autoUnderReview'
    where ov.status = 'verified' and ov.method = 'auto'
      and not exists (
        select 1 from users u join register_owners ro on ro.id = ov.register_owner_id
        where u.id = ov.user_id and u.phone_verified_at is not null and ro.phone is not null and ro.phone = u.phone
      )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update owner_verifications set status = 'verified' where status = 'review'`.execute(db);
  await db.schema.alterTable('owner_verifications').dropColumn('ground').execute();
  await sql`alter table owner_verifications drop constraint owner_verifications_status_check`.execute(db);
  await sql`alter table owner_verifications add constraint owner_verifications_status_check
    check (status in ('pending', 'verified', 'rejected', 'revoked'))`.execute(db);
}
