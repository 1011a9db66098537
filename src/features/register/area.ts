import type { Message } from './model.ts';

export type AreaCheck = { ok: true; cm2: number } | { ok: false; faults: { code: string; message: Message }[] };

/**
 * Exclusive area in m² → integer 0.01 m², by splitting the text (no floats): "85.2" → 8520.
 * At most two decimals and greater than zero; every fault of the value is returned.
 */
export function parseAreaCm2(text: string): AreaCheck {
  const t = text.normalize('NFKC').trim();
  if (t === '') return { ok: false, faults: [{ code: 'area_missing', message: { zh: '专有面积为空', en: 'Area is empty' } }] };
  const m = /^([+-]?)(\d{1,9})(?:\.(\d+))?$/.exec(t);
  if (!m) {
    return {
      ok: false,
      faults: [{ code: 'area_invalid', message: { zh: `专有面积“${t}”不是数字`, en: `Area "${t}" is not a number` } }],
    };
  }
  const [, sign, whole, frac = ''] = m;
  const faults: { code: string; message: Message }[] = [];
  const cm2 = Number(whole) * 100 + Number(frac.slice(0, 2).padEnd(2, '0'));
  if (sign === '-' || (cm2 === 0 && /^0*$/.test(frac))) {
    faults.push({ code: 'area_not_positive', message: { zh: `专有面积 ${t} 必须大于0`, en: `Area ${t} must be greater than 0` } });
  }
  if (frac.length > 2) {
    faults.push({
      code: 'area_too_precise',
      message: { zh: `专有面积 ${t} 最多保留两位小数`, en: `Area ${t} has more than two decimals` },
    });
  }
  return faults.length > 0 ? { ok: false, faults } : { ok: true, cm2 };
}

/** 8520 → "85.20" */
export function formatAreaCm2(cm2: number): string {
  return `${Math.trunc(cm2 / 100)}.${String(cm2 % 100).padStart(2, '0')}`;
}
