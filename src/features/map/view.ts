import { z } from 'zod';

/** A map view: `bbox=W,S,E,N` (degrees) and `zoom=Z` (0–20), both or neither. */
const number = z
  .string()
  .trim()
  .regex(/^-?\d{1,3}(\.\d{1,10})?$/, 'a number in degrees')
  .transform(Number);

export const mapViewSchema = z.object({
  bbox: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.tuple([number, number, number, number]))
    .refine(([w, , e]) => w >= -180 && e <= 180 && w < e, 'west and east between -180 and 180, west first')
    .refine(([, s, , n]) => s >= -90 && n <= 90 && s < n, 'south and north between -90 and 90, south first'),
  zoom: z
    .string()
    .regex(/^\d{1,2}$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(0).max(20)),
});
export type MapView = z.infer<typeof mapViewSchema>;

/** null when the request names no view (the whole map, as the open data is); else the parse, strict like the filters. */
export function parseMapView(params: URLSearchParams) {
  const bbox = params.get('bbox'),
    zoom = params.get('zoom');
  if (bbox === null && zoom === null) return null;
  return mapViewSchema.safeParse({ bbox: bbox ?? undefined, zoom: zoom ?? undefined });
}
