import type { Role } from '../accounts/tables.ts';

// One policy table for every mutation. Each action calls can() itself, inside its
// handler; nothing is authorised by URL prefix.

export interface Actor {
  id: number;
  role: Role;
  subdistrictId: number | null;
  /** staff of one community only; null for subdistrict-wide staff */
  communityId: number | null;
  /**
   * A district admin's district and the subdistricts in it (loaded with the session). A
   * district admin without one may do nothing a district admin may; other roles: null.
   */
  district?: { id: number; subdistrictIds: readonly number[] } | null;
}

/** Where a thing sits: the subdistrict that owns it and, when it has one, its community. */
export interface Resource {
  /** for things of a whole district (its staff, its report, its audit trail) */
  districtId?: number;
  subdistrictId?: number;
  communityId?: number | null;
  /** for a person's own things */
  userId?: number;
}

/**
 * Who may do a verb. 'office' = staff whose area covers the resource, and the admin of its
 * district; 'subdistrict_office' leaves out community staff; 'report' adds the province admin
 * (who reads everything); 'district' = the admin of the resource's district and the province
 * admin; 'province' = the province admin alone.
 */
type Rule = 'anyone_signed_in' | 'self' | 'office' | 'subdistrict_office' | 'report' | 'district' | 'province';

export const POLICY = {
  'account.update': 'self',
  'session.revokeAll': 'self',
  'verification.claim': 'anyone_signed_in',
  'verification.decide': 'office',
  'verification.viewProof': 'office',
  'register.import': 'office',
  'register.export': 'office',
  'register.addOwner': 'office',
  'project.create': 'subdistrict_office',
  'project.edit': 'office',
  'project.publish': 'office',
  'project.transition': 'office',
  'document.upload': 'office',
  'notice.publish': 'office',
  'notice.withdraw': 'office',
  'ballot.manage': 'office',
  'ballot.enterPaper': 'office',
  // who may cast for which voter is settled by the roll (verified owners of its flats)
  'ballot.cast': 'anyone_signed_in',
  // likewise who may object for which flat during the objection period
  'ballot.object': 'anyone_signed_in',
  // tasks, attendance and the hours sheet: the office of the task's project
  'volunteer.manage': 'office',
  // residents sign up and cancel for themselves only (the action takes no user id)
  'volunteer.signUp': 'anyone_signed_in',
  // any signed-in account offers money, goods or labour to a published project
  'donation.offer': 'anyone_signed_in',
  // accept, decline with a reason, record receipt: the project's office
  'donation.manage': 'office',
  // any signed-in account comments, replies, edits or deletes its own, and reports one
  'consultation.comment': 'anyone_signed_in',
  // open, enter paper opinions, hide and review, close, dispose, publish the report
  'consultation.manage': 'office',
  // cost-share schemes: create, edit, post, answer objections, open pledges, correct, withdraw,
  // paper pledges, payments, refunds, the export: the project's office
  'scheme.manage': 'office',
  // who may pledge or object for which household is settled by the scheme's flats (verified owners)
  'scheme.pledge': 'anyone_signed_in',
  // open a project's rating, enter paper questionnaires: the project's office
  'rating.manage': 'office',
  // which household an account may rate for is settled by the rating roll (its verified owners)
  'rating.rate': 'anyone_signed_in',
  // report a household's rating comment (one report per person; not one's own household's);
  // hiding and restoring one is the office's, under 'rating.manage'
  'rating.report': 'anyone_signed_in',
  // a person's inbox and their choices of what they are told: theirs alone
  'notification.manage': 'self',
  'subdistrict.manage': 'district',
  'staff.manage': 'district',
  'audit.read': 'district',
  // the monthly report of a subdistrict: its whole-subdistrict staff, its district and the province
  'report.read': 'report',
  // the district's report (every subdistrict and the total) and the district overview of /admin
  'report.district': 'district',
  // create a district, assign its administrators
  'district.manage': 'province',
  // the province's roll-up: a row per district and the total
  'report.province': 'province',
} as const satisfies Record<string, Rule>;

export type Verb = keyof typeof POLICY;
export const VERBS = Object.keys(POLICY) as Verb[];

/** A district admin's district holds the resource: every place it names (at least one) is theirs. */
function inDistrict(actor: Actor, r: Resource): boolean {
  const d = actor.district;
  if (actor.role !== 'district_admin' || !d) return false;
  if (r.districtId === undefined && r.subdistrictId === undefined) return false;
  if (r.districtId !== undefined && r.districtId !== d.id) return false;
  return r.subdistrictId === undefined || d.subdistrictIds.includes(r.subdistrictId);
}

function covers(actor: Actor, r: Resource, wholeSubdistrictOnly: boolean): boolean {
  if (actor.role === 'district_admin') return r.subdistrictId !== undefined && inDistrict(actor, r);
  if (actor.role !== 'staff' || r.subdistrictId === undefined || actor.subdistrictId !== r.subdistrictId) return false;
  if (actor.communityId === null) return true;
  if (wholeSubdistrictOnly) return false;
  return r.communityId !== undefined && r.communityId !== null && r.communityId === actor.communityId;
}

export function can(actor: Actor | null, verb: Verb, resource: Resource = {}): boolean {
  if (!actor) return false;
  const rule: Rule = POLICY[verb];
  switch (rule) {
    case 'anyone_signed_in':
      return true;
    case 'self':
      return resource.userId === actor.id;
    case 'office':
      return covers(actor, resource, false);
    case 'subdistrict_office':
      return covers(actor, resource, true);
    case 'report':
      return actor.role === 'province_admin' || covers(actor, resource, true);
    case 'district':
      return actor.role === 'province_admin' || inDistrict(actor, resource);
    case 'province':
      return actor.role === 'province_admin';
  }
}
