/** Compact GeoJSON for the map: coordinates rounded to ~1 m, nothing else than the marker needs. */
export interface MapPoint {
  code: string;
  title: string;
  titleEn: string | null;
  stage: number;
  lat: number;
  lng: number;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export function toFeatureCollection(points: MapPoint[], lang: 'zh' | 'en') {
  return {
    type: 'FeatureCollection' as const,
    features: points.map((p) => ({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: [round6(p.lng), round6(p.lat)] },
      properties: { code: p.code, title: lang === 'en' && p.titleEn ? p.titleEn : p.title, stage: p.stage },
    })),
  };
}
