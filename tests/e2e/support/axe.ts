import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * WCAG 2.2 AA violations of a page as "rule: targets" lines. Waits for the load event
 * first: a page checked before its stylesheet applies is unstyled (header links 17 px
 * high), which made target-size fail now and then.
 */
export async function axeViolations(page: Page, scope: { include?: string; exclude?: string; disableRules?: string[] } = {}): Promise<string[]> {
  await page.waitForLoadState('load');
  let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  if (scope.include) builder = builder.include(scope.include);
  if (scope.exclude) builder = builder.exclude(scope.exclude);
  if (scope.disableRules) builder = builder.disableRules(scope.disableRules);
  const { violations } = await builder.analyze();
  return violations.map(
    (v) =>
      `${v.id}: ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(' | ')}`,
  );
}

export async function expectAxeClean(page: Page, what: string, scope?: Parameters<typeof axeViolations>[1]): Promise<void> {
  expect(await axeViolations(page, scope), `axe on ${what}`).toEqual([]);
}
