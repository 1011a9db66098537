/**
 * The scope taxonomy of DOMAIN.md (实施内容): four categories, each item a code.
 * Labels live in the i18n dictionaries under `scope.<code>`.
 */
export const SCOPE_CATEGORIES = ['infrastructure', 'environment', 'services', 'management'] as const;
export type ScopeCategory = (typeof SCOPE_CATEGORIES)[number];

const INFRA_UTILITIES = ['water', 'power', 'gas', 'heating', 'telecom', 'broadcast', 'drainage'];
const INFRA_BASIC = ['roads', 'lighting', 'waterproofing', 'doors_windows', 'refuse'];
const INFRA_FUNCTION = [
  'property_rooms',
  'activity_rooms',
  'fitness',
  'parking',
  'ebike_charging',
  'charging_piles',
  'accessibility',
  'notice_boards',
  'fire_safety',
  'security',
  'signage',
];
const ENVIRONMENT = ['illegal_structures', 'debris', 'fire_lanes', 'ads', 'ac_units', 'ground_locks', 'abandoned_vehicles', 'green_space', 'bare_soil'];
const SERVICES = ['elderly', 'childcare', 'medical', 'culture', 'shopping', 'housekeeping', 'courier'];
const MANAGEMENT = ['owners_meeting', 'owners_committee', 'property_company'];

export const SCOPE_CODES: readonly string[] = [
  ...INFRA_UTILITIES.map((c) => `infrastructure.utilities.${c}`),
  ...INFRA_BASIC.map((c) => `infrastructure.basic.${c}`),
  ...INFRA_FUNCTION.map((c) => `infrastructure.function.${c}`),
  ...ENVIRONMENT.map((c) => `environment.${c}`),
  ...SERVICES.map((c) => `services.${c}`),
  ...MANAGEMENT.map((c) => `management.${c}`),
];

export const isScopeCode = (code: string): boolean => SCOPE_CODES.includes(code);

export function categoryOf(code: string): ScopeCategory {
  const head = code.split('.')[0] as ScopeCategory;
  if (!SCOPE_CATEGORIES.includes(head)) throw new RangeError(`unknown scope code ${code}`);
  return head;
}

/** Groups items by the four categories, in taxonomy order, keeping empty categories out. */
export function groupByCategory<T extends { code: string }>(items: T[]): { category: ScopeCategory; items: T[] }[] {
  return SCOPE_CATEGORIES.map((category) => ({
    category,
    items: items.filter((i) => categoryOf(i.code) === category).sort((a, b) => SCOPE_CODES.indexOf(a.code) - SCOPE_CODES.indexOf(b.code)),
  })).filter((g) => g.items.length > 0);
}
