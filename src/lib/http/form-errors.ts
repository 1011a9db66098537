import { isInputError } from 'astro:actions';
import { hasKey, type Translate } from '../../i18n/index.ts';

type ActionOutcome = { data?: unknown; error?: unknown } | undefined;

/** Field and form errors of a form action, translated, for rendering next to the fields. */
export function formErrors(result: ActionOutcome, t: Translate): { form: string | null; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const tr = (key: string, params?: Record<string, string | number>) => (hasKey(key) ? t(key, params) : t('err.form'));
  if (!result) return { form: null, fields };
  if (result.error) {
    if (isInputError(result.error)) {
      for (const [field, messages] of Object.entries(result.error.fields)) {
        const first = (messages as string[] | undefined)?.[0];
        if (first) fields[field] = tr(first);
      }
      return { form: t('err.form'), fields };
    }
    return { form: tr((result.error as Error).message ?? ''), fields };
  }
  const data = result.data as { ok?: boolean; error?: string; field?: string; params?: Record<string, string | number> } | undefined;
  if (data && data.ok === false && data.error) {
    if (data.field) fields[data.field] = tr(data.error, data.params);
    return { form: tr(data.error, data.params), fields };
  }
  return { form: null, fields };
}
