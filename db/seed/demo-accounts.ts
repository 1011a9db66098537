import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';
import { hashPassword } from '../../src/features/accounts/password.ts';
import { residentIdCheckChar } from '../../src/features/register/id-numbers.ts';
import { prepareRows } from '../../src/features/register/prepare.ts';
import { applyImport } from '../../src/features/register/import-service.ts';
import type { RegisterRow } from '../../src/features/register/model.ts';
import type { IdKey } from '../../src/lib/id-key.ts';
import { SUBDISTRICTS, SURNAMES, GIVEN_NAMES } from './zhanhe.ts';
import { ensureDistrict, ZHANHE } from '../../src/features/geography/districts.ts';
import { rng } from './random.ts';
import { seedDemoDonation } from './demo-donations.ts';
import { seedDemoConsultations } from './demo-consultations.ts';
import { seedDemoSchemes } from './demo-schemes.ts';

// Demo mode only: accounts a person trying the portal can sign in with (listed in the
// README), and a household register for the first demo estate with verified owners.

export const DEMO_PASSWORD = 'gongzhi-demo-2026';
export const DEMO_ADMIN_PHONE = '13900000000';
export const demoStaffPhone = (i: number) => `1390000000${i + 1}`; // one per subdistrict, in plan order
export const DEMO_OWNER_PHONES = ['13900000101', '13900000102', '13900000103'];
/** the province admin of the demo (河南省): reads every district, adds districts and their admins */
export const DEMO_PROVINCE_PHONE = '13900000090';

/** The demo household register (the e2e suite greps the server log for its names and ID numbers). */
export function demoRegister(): RegisterRow[] {
  const r = rng(42);
  const rows: RegisterRow[] = [];
  let n = 0;
  for (const building of ['1', '2']) {
    for (const entrance of ['1', '2']) {
      for (let floor = 1; floor <= 6; floor++) {
        for (const side of [1, 2]) {
          n++;
          const body = `410411${1950 + (n % 45)}${String((n % 12) + 1).padStart(2, '0')}${String((n % 28) + 1).padStart(2, '0')}${String(100 + n).slice(-3)}`;
          const developerHeld = n % 23 === 0;
          rows.push({
            line: n + 1,
            estate: null,
            building,
            entrance,
            floor,
            room: `${floor}0${side}`,
            areaCm2: r.int(5500, 11000),
            areaSource: 'registered',
            owners: developerHeld
              ? []
              : [{ name: `${r.pick(SURNAMES)}${r.pick(GIVEN_NAMES)}`, idType: 'resident_id', idNumber: body + residentIdCheckChar(body) }],
            phone: null,
            developerHeld,
          });
        }
      }
    }
  }
  return rows;
}

export async function seedDemoAccounts(db: Kysely<Database>, key: IdKey): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = new Date();
  const admin = await db
    .insertInto('users')
    .values({
      phone: DEMO_ADMIN_PHONE,
      display_name: '区住建局（演示）',
      password_hash: passwordHash,
      role: 'district_admin',
      district_id: await ensureDistrict(db, ZHANHE),
      phone_verified_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('users')
    .values({ phone: DEMO_PROVINCE_PHONE, display_name: '省住建厅（演示）', password_hash: passwordHash, role: 'province_admin', phone_verified_at: now })
    .execute();
  const subs = await db.selectFrom('subdistricts').select(['id', 'code', 'name']).execute();
  for (const [i, s] of SUBDISTRICTS.entries()) {
    const sub = subs.find((x) => x.code === s.code)!;
    await db
      .insertInto('users')
      .values({
        phone: demoStaffPhone(i),
        display_name: `${s.name}工作人员（演示）`,
        password_hash: passwordHash,
        role: 'staff',
        subdistrict_id: sub.id,
        phone_verified_at: now,
      })
      .execute();
  }
  const estate = await db.selectFrom('estates').select('id').orderBy('id').executeTakeFirstOrThrow();
  const rows = demoRegister();
  const imp = await db
    .insertInto('register_imports')
    .values({ estate_id: estate.id, user_id: admin.id, file_name: 'demo-register.xlsx', sha256: 'demo' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await applyImport(db, { estateId: estate.id, importId: imp.id, actorUserId: admin.id, flats: prepareRows(rows, key) });
  // three verified owners, each on the first flats of the register
  const owned = await db
    .selectFrom('unit_owners')
    .innerJoin('register_owners', 'register_owners.id', 'unit_owners.owner_id')
    .select(['unit_owners.unit_id', 'unit_owners.owner_id', 'register_owners.name'])
    .orderBy('unit_owners.unit_id')
    .limit(DEMO_OWNER_PHONES.length)
    .execute();
  for (const [i, phone] of DEMO_OWNER_PHONES.entries()) {
    const o = owned[i]!;
    const user = await db
      .insertInto('users')
      .values({ phone, display_name: `${o.name}（演示业主）`, password_hash: passwordHash, phone_verified_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('owner_verifications')
      .values({
        user_id: user.id,
        unit_id: o.unit_id,
        register_owner_id: o.owner_id,
        status: 'verified',
        method: 'staff',
        claimed_name: o.name,
        decided_by: admin.id,
        decided_at: now,
      })
      .execute();
  }
  // one received donation, given anonymously by the first demo owner
  const firstOwner = await db.selectFrom('users').select('id').where('phone', '=', DEMO_OWNER_PHONES[0]!).executeTakeFirstOrThrow();
  await seedDemoDonation(db, firstOwner.id, admin.id);
  // one open consultation with comments and one past report, by the demo staff of the estate's subdistrict
  const owners = await db.selectFrom('users').select('id').where('phone', 'in', DEMO_OWNER_PHONES).orderBy('phone').execute();
  const staff = await db
    .selectFrom('users')
    .innerJoin('communities', 'communities.subdistrict_id', 'users.subdistrict_id')
    .innerJoin('estates', 'estates.community_id', 'communities.id')
    .select('users.id')
    .where('estates.id', '=', estate.id)
    .where('users.role', '=', 'staff')
    .orderBy('users.id')
    .executeTakeFirst();
  if (staff)
    await seedDemoConsultations(
      db,
      owners.map((o) => o.id),
      staff.id,
    );
  // cost-share schemes: a lift open for pledges (one paid), and a bike shed past its deadline
  const schemeOwners = await db.selectFrom('users').select(['id', 'phone']).where('phone', 'in', DEMO_OWNER_PHONES).execute();
  const hebinStaff = await db.selectFrom('users').select('id').where('phone', '=', demoStaffPhone(0)).executeTakeFirstOrThrow();
  await seedDemoSchemes(
    db,
    hebinStaff.id,
    DEMO_OWNER_PHONES.map((ph) => schemeOwners.find((o) => o.phone === ph)!.id),
  );
}
