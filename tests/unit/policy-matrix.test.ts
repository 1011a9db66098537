import { describe, expect, it } from 'vitest';
import { can, POLICY, VERBS, type Actor, type Resource } from '../../src/features/policy/can.ts';

// The matrix: every verb × every kind of actor, for a resource in district 1, subdistrict 1,
// community 10, belonging to user 5 (district 1 holds subdistricts 1 and 2, district 2 holds 3). Expectations are written out independently of
// the implementation, per rule, and each cell is checked.
const ACTORS: Record<string, Actor | null> = {
  public: null,
  resident: { id: 5, role: 'resident', subdistrictId: null, communityId: null },
  otherResident: { id: 6, role: 'resident', subdistrictId: null, communityId: null },
  subdistrictStaff: { id: 7, role: 'staff', subdistrictId: 1, communityId: null },
  communityStaff: { id: 8, role: 'staff', subdistrictId: 1, communityId: 10 },
  otherCommunityStaff: { id: 9, role: 'staff', subdistrictId: 1, communityId: 11 },
  otherSubdistrictStaff: { id: 10, role: 'staff', subdistrictId: 2, communityId: null },
  districtAdmin: { id: 11, role: 'district_admin', subdistrictId: null, communityId: null, district: { id: 1, subdistrictIds: [1, 2] } },
  otherDistrictAdmin: { id: 12, role: 'district_admin', subdistrictId: null, communityId: null, district: { id: 2, subdistrictIds: [3] } },
  provinceAdmin: { id: 13, role: 'province_admin', subdistrictId: null, communityId: null, district: null },
};
const RESOURCE: Resource = { districtId: 1, subdistrictId: 1, communityId: 10, userId: 5 };

const EXPECTED: Record<string, string[]> = {
  anyone_signed_in: [
    'resident',
    'otherResident',
    'subdistrictStaff',
    'communityStaff',
    'otherCommunityStaff',
    'otherSubdistrictStaff',
    'districtAdmin',
    'otherDistrictAdmin',
    'provinceAdmin',
  ],
  self: ['resident'],
  office: ['subdistrictStaff', 'communityStaff', 'districtAdmin'],
  subdistrict_office: ['subdistrictStaff', 'districtAdmin'],
  report: ['subdistrictStaff', 'districtAdmin', 'provinceAdmin'],
  district: ['districtAdmin', 'provinceAdmin'],
  province: ['provinceAdmin'],
};

describe('authorization matrix', () => {
  const cells = VERBS.flatMap((verb) => Object.keys(ACTORS).map((actor) => [verb, actor] as const));
  it(`covers ${VERBS.length} verbs × ${Object.keys(ACTORS).length} actors = ${cells.length} cells`, () => {
    expect(cells.length).toBe(VERBS.length * 10);
  });
  it.each(cells)('%s by %s', (verb, actor) => {
    const allowed = EXPECTED[POLICY[verb]]!.includes(actor);
    expect(can(ACTORS[actor]!, verb, RESOURCE)).toBe(allowed);
  });
  it('denies office verbs when the resource names no subdistrict', () => {
    expect(can(ACTORS.subdistrictStaff!, 'project.edit', {})).toBe(false);
    expect(can(ACTORS.districtAdmin!, 'project.edit', {})).toBe(false);
    expect(can(ACTORS.districtAdmin!, 'project.edit', { districtId: 1 })).toBe(false);
  });
  it('keeps a district admin to their district, in every verb they may use', () => {
    const inOther = { districtId: 2, subdistrictId: 3, communityId: 30 };
    for (const verb of VERBS) {
      if (['anyone_signed_in', 'self'].includes(POLICY[verb])) continue;
      expect(can(ACTORS.districtAdmin!, verb, inOther), verb).toBe(false);
      expect(can(ACTORS.districtAdmin!, verb, { subdistrictId: 3 }), verb).toBe(false);
      expect(can(ACTORS.districtAdmin!, verb, { districtId: 2 }), verb).toBe(false);
      // a resource that names district 1 but a subdistrict of district 2 is not theirs
      expect(can(ACTORS.districtAdmin!, verb, { districtId: 1, subdistrictId: 3 }), verb).toBe(false);
    }
    expect(can(ACTORS.otherDistrictAdmin!, 'project.edit', inOther)).toBe(true);
    expect(can(ACTORS.otherDistrictAdmin!, 'staff.manage', { districtId: 2 })).toBe(true);
    expect(can(ACTORS.districtAdmin!, 'staff.manage', { districtId: 1 })).toBe(true);
    expect(can(ACTORS.districtAdmin!, 'subdistrict.manage', { subdistrictId: 2 })).toBe(true);
    // a district admin whose session carries no district may do nothing of a district admin
    const adrift = { id: 14, role: 'district_admin' as const, subdistrictId: null, communityId: null };
    expect(can(adrift, 'project.edit', RESOURCE)).toBe(false);
    expect(can(adrift, 'staff.manage', { districtId: 1 })).toBe(false);
  });
  it('lets the province admin read every district and manage districts, but not act as an office', () => {
    const inOther = { districtId: 2, subdistrictId: 3, communityId: 30 };
    const p = ACTORS.provinceAdmin!;
    expect(['report.read', 'report.district', 'audit.read', 'staff.manage', 'subdistrict.manage'].map((v) => can(p, v as never, inOther))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['district.manage', 'report.province'].map((v) => can(p, v as never, {}))).toEqual([true, true]);
    expect(['project.edit', 'ballot.manage', 'verification.viewProof', 'register.export'].map((v) => can(p, v as never, inOther))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(['district.manage', 'report.province'].map((v) => can(ACTORS.districtAdmin!, v as never, {}))).toEqual([false, false]);
  });
  it('lets a person alone read their messages and choose what they are told', () => {
    expect(POLICY['notification.manage']).toBe('self');
    expect(can(ACTORS.resident!, 'notification.manage', { userId: 5 })).toBe(true);
    expect(can(ACTORS.otherResident!, 'notification.manage', { userId: 5 })).toBe(false);
    expect(can(ACTORS.districtAdmin!, 'notification.manage', { userId: 5 })).toBe(false);
    expect(can(null, 'notification.manage', { userId: 5 })).toBe(false);
  });
  it('lets the project’s office manage volunteering and any signed-in resident sign up', () => {
    expect(POLICY['volunteer.manage']).toBe('office');
    expect(POLICY['volunteer.signUp']).toBe('anyone_signed_in');
    expect(can(ACTORS.otherSubdistrictStaff!, 'volunteer.manage', RESOURCE)).toBe(false);
    expect(can(ACTORS.resident!, 'volunteer.manage', RESOURCE)).toBe(false);
    expect(can(ACTORS.otherResident!, 'volunteer.signUp', { userId: 6 })).toBe(true);
    expect(can(null, 'volunteer.signUp', { userId: 6 })).toBe(false);
  });
  it('keeps community staff out of a resource without a community', () => {
    expect(can(ACTORS.communityStaff!, 'notice.publish', { subdistrictId: 1, communityId: null })).toBe(false);
    expect(can(ACTORS.subdistrictStaff!, 'notice.publish', { subdistrictId: 1, communityId: null })).toBe(true);
  });
  it('has the donation verbs: anyone signed in offers, the project’s office or the district manages', () => {
    expect(POLICY['donation.offer']).toBe('anyone_signed_in');
    expect(POLICY['donation.manage']).toBe('office');
    const project = { subdistrictId: 1, communityId: 10 };
    expect(can(null, 'donation.offer', {})).toBe(false);
    expect(
      ['resident', 'subdistrictStaff', 'otherSubdistrictStaff', 'otherCommunityStaff', 'districtAdmin'].map((a) => can(ACTORS[a]!, 'donation.manage', project)),
    ).toEqual([false, true, false, false, true]);
  });
  it('has the consultation verbs: anyone signed in comments and reports, the project’s office or the district manages', () => {
    expect(POLICY['consultation.comment']).toBe('anyone_signed_in');
    expect(POLICY['consultation.manage']).toBe('office');
    const project = { subdistrictId: 1, communityId: 10 };
    expect(can(null, 'consultation.comment', {})).toBe(false);
    expect(
      ['resident', 'subdistrictStaff', 'communityStaff', 'otherSubdistrictStaff', 'otherCommunityStaff', 'districtAdmin'].map((a) =>
        can(ACTORS[a]!, 'consultation.manage', project),
      ),
    ).toEqual([false, true, true, false, false, true]);
  });
  it('has the cost-share verbs: the project’s office or the district manages schemes; who pledges is settled by the scheme’s flats', () => {
    expect(POLICY['scheme.manage']).toBe('office');
    expect(POLICY['scheme.pledge']).toBe('anyone_signed_in');
    const project = { subdistrictId: 1, communityId: 10 };
    expect(can(null, 'scheme.pledge', {})).toBe(false);
    expect(
      ['resident', 'subdistrictStaff', 'otherSubdistrictStaff', 'otherCommunityStaff', 'districtAdmin'].map((a) => can(ACTORS[a]!, 'scheme.manage', project)),
    ).toEqual([false, true, false, false, true]);
  });
  it('has the rating verbs: anyone signed in rates (the roll decides for which household) and reports a comment, the project’s office opens, enters paper and hides or restores comments', () => {
    expect(POLICY['rating.rate']).toBe('anyone_signed_in');
    expect(POLICY['rating.report']).toBe('anyone_signed_in');
    expect(POLICY['rating.manage']).toBe('office');
    const project = { subdistrictId: 1, communityId: 10 };
    expect(can(null, 'rating.rate', {})).toBe(false);
    expect(can(null, 'rating.report', project)).toBe(false);
    expect(can(ACTORS['resident']!, 'rating.report', project)).toBe(true);
    expect(
      ['resident', 'subdistrictStaff', 'otherSubdistrictStaff', 'otherCommunityStaff', 'districtAdmin'].map((a) => can(ACTORS[a]!, 'rating.manage', project)),
    ).toEqual([false, true, false, false, true]);
  });
  it('lets a subdistrict’s whole-office staff and the district read its monthly report, and only the district read the district’s', () => {
    const subdistrict = { subdistrictId: 1 };
    const who = ['public', 'resident', 'subdistrictStaff', 'communityStaff', 'otherSubdistrictStaff', 'districtAdmin', 'otherDistrictAdmin', 'provinceAdmin'];
    expect(who.map((a) => can(ACTORS[a]!, 'report.read', subdistrict))).toEqual([false, false, true, false, false, true, false, true]);
    expect(who.map((a) => can(ACTORS[a]!, 'report.district', { districtId: 1 }))).toEqual([false, false, false, false, false, true, false, true]);
    expect(who.map((a) => can(ACTORS[a]!, 'report.province'))).toEqual([false, false, false, false, false, false, false, true]);
  });
});
