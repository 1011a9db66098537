import { formatYuan } from '../funding/money.ts';
import type { Translate } from '../../i18n/index.ts';
import { hasKey } from '../../i18n/index.ts';

// Turns a history row's stored values (a column's text, or a whole row as JSON for
// additions and deletions) into what a resident reads.

type Row = Record<string, unknown>;

function label(t: Translate, key: string, fallback: string): string {
  return hasKey(key) ? t(key) : fallback;
}

export function formatValue(t: Translate, field: string, value: string | null): string {
  if (value === null || value === '') return '—';
  if (field.endsWith('_fen') && /^-?\d+$/.test(value)) return formatYuan(Number(value));
  if (field === 'stage') return label(t, `stage.${value}`, value);
  if (field === 'channel') return label(t, `channel.${value}`, value);
  if (field === 'role') return label(t, `role.${value}`, value);
  if (field === 'code') return label(t, `scope.${value}`, value);
  if (field === 'quantity_x100' && /^\d+$/.test(value)) return (Number(value) / 100).toString();
  return value;
}

/** One line describing a whole row that was added or removed. */
export function describeRow(t: Translate, entity: string, json: string | null): string {
  if (!json) return '—';
  let row: Row;
  try {
    row = JSON.parse(json) as Row;
  } catch {
    return json;
  }
  const s = (k: string) => (row[k] === null || row[k] === undefined ? '' : String(row[k]));
  switch (entity) {
    case 'budget_line':
      return `${formatValue(t, 'channel', s('channel'))} ${formatValue(t, 'amount_fen', s('amount_fen'))}`;
    case 'scope_item':
      return `${formatValue(t, 'code', s('code'))} ${s('description')} ${formatValue(t, 'estimated_cost_fen', s('estimated_cost_fen'))}`.trim();
    case 'stage_event':
      return `${formatValue(t, 'stage', s('stage'))} ${s('entered_on')}`;
    case 'document':
      return `${s('title')} v${s('version')}`;
    case 'fee_schedule':
      return `${s('item')} ${formatValue(t, 'after_fen', s('after_fen'))} ${s('unit')}`;
    case 'project_party':
      return formatValue(t, 'role', s('role'));
    default:
      return Object.entries(row)
        .filter(([, v]) => v !== null && typeof v !== 'object')
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join('; ');
  }
}

export function describeChange(t: Translate, h: { entity: string; field: string; oldValue: string | null; newValue: string | null }) {
  const structural = h.field === 'created' || h.field === 'deleted';
  return {
    what: `${label(t, `history.entity.${h.entity}`, h.entity)} · ${label(t, `history.field.${h.field}`, h.field)}`,
    before: structural ? describeRow(t, h.entity, h.oldValue) : formatValue(t, h.field, h.oldValue),
    after: structural ? describeRow(t, h.entity, h.newValue) : formatValue(t, h.field, h.newValue),
  };
}
