import { z } from 'zod';
import { STAGES } from './stages.ts';
import { SCOPE_CATEGORIES } from './taxonomy.ts';

/** The filters shared by the map, the list, the GeoJSON feed and the CSV export. */
export const projectFiltersSchema = z.object({
  subdistrict: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .optional(),
  stage: z.coerce
    .number()
    .int()
    .refine((n) => (STAGES as readonly number[]).includes(n), 'stage must be 1–6')
    .optional(),
  year: z.coerce.number().int().min(1990).max(2100).optional(),
  category: z.enum(SCOPE_CATEGORIES).optional(),
  /** Free text: part of an estate's name or address, or of the project's code or title. */
  q: z.string().trim().min(1).max(60).optional(),
});
export type ProjectFilters = z.infer<typeof projectFiltersSchema>;

const KEYS = ['q', 'subdistrict', 'stage', 'year', 'category'] as const;

function raw(params: URLSearchParams) {
  const out: Record<string, string> = {};
  for (const k of KEYS) {
    const v = params.get(k)?.trim();
    if (v) out[k] = v;
  }
  return out;
}

/** Strict parse for APIs: a bad value is an error the client must see. */
export function parseFilters(params: URLSearchParams) {
  return projectFiltersSchema.safeParse(raw(params));
}

/** Lenient parse for pages: a bad value is dropped, the rest still applies. */
export function parseFiltersLenient(params: URLSearchParams): ProjectFilters {
  const out: ProjectFilters = {};
  for (const [k, v] of Object.entries(raw(params))) {
    const one = projectFiltersSchema.safeParse({ [k]: v });
    if (one.success) Object.assign(out, one.data);
  }
  return out;
}

export function filtersToQuery(f: ProjectFilters): string {
  const p = new URLSearchParams();
  for (const k of KEYS) if (f[k] !== undefined) p.set(k, String(f[k]));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** A LIKE pattern that finds `text` anywhere, its own % and _ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
