import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { db } from '../lib/db/index.ts';
import { forbidden, notFound, signedOut } from './errors.ts';
import { pageCache } from '../lib/http/page-cache-instance.ts';
import { can } from '../features/policy/can.ts';
import { normaliseMobile } from '../features/accounts/mobile.ts';
import type { Failure } from '../features/accounts/service.ts';
import * as staff from '../features/accounts/staff-service.ts';
import { zId } from '../lib/input.ts';
import { CODE_PREFIX, DIVISION_CODE } from '../features/geography/districts.ts';

// The district administrator's forms on /admin/district. Field names are unique across the
// page's forms (each form's errors show next to its own fields); a failure from the service
// names its field generically and is mapped back to the form's name here.

const text = (max: number) => z.string({ error: 'err.required' }).trim().min(1, 'err.required').max(max, 'err.tooLong');
const optionalText = (max: number) => z.string().trim().max(max, 'err.tooLong').optional();
const id = zId('err.required');
const mobile = z
  .string({ error: 'err.phone' })
  .trim()
  .transform((v, ctx) => {
    const m = normaliseMobile(v);
    if (!m) ctx.addIssue({ code: 'custom', message: 'err.phone' });
    return m ?? '';
  });

function fieldsAs<T extends { ok: boolean }>(res: T | Failure, names: Record<string, string>): T | Failure {
  if (res.ok || !('field' in res) || !res.field) return res;
  return { ...res, field: names[res.field] ?? res.field };
}

export const districtActions = {
  createSubdistrict: defineAction({
    accept: 'form',
    input: z.object({
      // the province admin names the district; a district admin's own is taken when left out
      districtId: zId().optional(),
      code: z.string({ error: 'err.subdistrictCode' }).trim().regex(staff.SUBDISTRICT_CODE, 'err.subdistrictCode'),
      name: text(40),
      nameEn: text(80),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const districtId = input.districtId ?? user.district?.id;
      if (districtId === undefined || !can(user, 'subdistrict.manage', { districtId })) throw forbidden();
      const res = await staff.createSubdistrict(await db(), user.id, { ...input, districtId });
      if (res.ok) pageCache.invalidate();
      return res;
    },
  }),
  renameSubdistrict: defineAction({
    accept: 'form',
    input: z.object({ renameId: id, renameName: text(40), renameNameEn: text(80) }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'subdistrict.manage', { subdistrictId: input.renameId })) throw forbidden();
      const res = await staff.renameSubdistrict(await db(), user.id, { subdistrictId: input.renameId, name: input.renameName, nameEn: input.renameNameEn });
      if (res.ok) pageCache.invalidate();
      return fieldsAs(res, { subdistrictId: 'renameId', name: 'renameName' });
    },
  }),
  createCommunity: defineAction({
    accept: 'form',
    input: z.object({ communitySubdistrictId: id, communityName: text(40), communityNameEn: optionalText(80) }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'subdistrict.manage', { subdistrictId: input.communitySubdistrictId })) throw forbidden();
      const res = await staff.createCommunity(await db(), user.id, {
        subdistrictId: input.communitySubdistrictId,
        name: input.communityName,
        nameEn: input.communityNameEn || null,
      });
      if (res.ok) pageCache.invalidate();
      return fieldsAs(res, { subdistrictId: 'communitySubdistrictId', name: 'communityName' });
    },
  }),
  createStaff: defineAction({
    accept: 'form',
    input: z.object({
      phone: mobile,
      displayName: text(40),
      password: z.string({ error: 'err.passwordShort' }).min(8, 'err.passwordShort').max(128, 'err.passwordLong'),
      staffSubdistrictId: id,
      staffCommunityId: zId().optional(),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'staff.manage', { subdistrictId: input.staffSubdistrictId })) throw forbidden();
      const res = await staff.createStaffAccount(await db(), user.id, {
        phone: input.phone,
        displayName: input.displayName,
        password: input.password,
        subdistrictId: input.staffSubdistrictId,
        communityId: input.staffCommunityId ?? null,
      });
      return fieldsAs(res, { subdistrictId: 'staffSubdistrictId', communityId: 'staffCommunityId' });
    },
  }),
  setStaffDisabled: defineAction({
    accept: 'form',
    input: z.object({ userId: id, disabled: z.enum(['1', '0']) }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      const database = await db();
      const where = await staff.staffResource(database, input.userId);
      if (!where) throw notFound();
      if (!can(user, 'staff.manage', where)) throw forbidden();
      return staff.setStaffDisabled(database, user.id, input.userId, input.disabled === '1');
    },
  }),
  // the province admin's: a new district, and an administrator for one
  createDistrict: defineAction({
    accept: 'form',
    input: z.object({
      districtCode: z.string({ error: 'err.divisionCode' }).trim().regex(DIVISION_CODE, 'err.divisionCode'),
      codePrefix: z.string({ error: 'err.codePrefix' }).trim().regex(CODE_PREFIX, 'err.codePrefix'),
      districtName: text(50),
      districtNameEn: text(100),
      cityCode: z.string({ error: 'err.divisionCode' }).trim().regex(DIVISION_CODE, 'err.divisionCode'),
      cityName: text(50),
      cityNameEn: text(100),
      provinceCode: z.string({ error: 'err.divisionCode' }).trim().regex(DIVISION_CODE, 'err.divisionCode'),
      provinceName: text(50),
      provinceNameEn: text(100),
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'district.manage')) throw forbidden();
      const res = await staff.createDistrict(await db(), user.id, {
        code: input.districtCode,
        codePrefix: input.codePrefix,
        name: input.districtName,
        nameEn: input.districtNameEn,
        cityCode: input.cityCode,
        cityName: input.cityName,
        cityNameEn: input.cityNameEn,
        provinceCode: input.provinceCode,
        provinceName: input.provinceName,
        provinceNameEn: input.provinceNameEn,
      });
      if (res.ok) pageCache.invalidate();
      return fieldsAs(res, { code: 'districtCode' });
    },
  }),
  createDistrictAdmin: defineAction({
    accept: 'form',
    input: z.object({
      adminPhone: mobile,
      adminName: text(40),
      adminPassword: z.string({ error: 'err.passwordShort' }).min(8, 'err.passwordShort').max(128, 'err.passwordLong'),
      adminDistrictId: id,
    }),
    handler: async (input, ctx) => {
      const user = ctx.locals.user;
      if (!user) throw signedOut();
      if (!can(user, 'district.manage')) throw forbidden();
      const res = await staff.createDistrictAdminAccount(await db(), user.id, {
        phone: input.adminPhone,
        displayName: input.adminName,
        password: input.adminPassword,
        districtId: input.adminDistrictId,
      });
      return fieldsAs(res, { phone: 'adminPhone', password: 'adminPassword', districtId: 'adminDistrictId' });
    },
  }),
};
