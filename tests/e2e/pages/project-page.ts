import type { Page } from '@playwright/test';

/** The disclosure sections every project page must carry, by their element ids. */
export const SECTIONS = ['summary', 'timeline', 'scope', 'budget', 'parties', 'documents', 'fees', 'notices', 'history'] as const;

export class ProjectPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  section(id: (typeof SECTIONS)[number]) {
    return this.page.locator(`section#${id}`);
  }
  async budgetRowsFen(): Promise<number[]> {
    const cells = await this.page.locator('#budget-table tbody tr td:nth-child(2)').allInnerTexts();
    return cells.map((c) => Number(c.trim().replaceAll(',', '').replace('.', '')));
  }
  async budgetTotalFen(): Promise<number> {
    return Number(await this.page.locator('#budget-table tfoot [data-total-fen]').getAttribute('data-total-fen'));
  }
}
