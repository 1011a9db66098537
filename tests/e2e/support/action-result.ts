import { expect } from '@playwright/test';
import { parse as devalueParse } from 'devalue';

/**
 * An Astro Action's JSON answer, decoded. Its body is devalue-encoded: `{ ok: false }`
 * travels as `[{"ok":1,…},false,…]`, so looking for `"ok":1` in the text proves nothing.
 */
export function actionData(body: string): Record<string, unknown> {
  return devalueParse(body) as Record<string, unknown>;
}

export function expectActionOk(body: string, what: string): Record<string, unknown> {
  const data = actionData(body);
  expect(data.ok, `${what}: ${JSON.stringify(data)}`).toBe(true);
  return data;
}
