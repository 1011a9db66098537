import type { Locator, Page } from '@playwright/test';

export class HomePage {
  readonly map: Locator;
  readonly list: Locator;
  readonly items: Locator;
  readonly count: Locator;
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
    this.map = page.locator('.map');
    this.list = page.locator('#project-list');
    this.items = this.list.locator('li');
    this.count = page.locator('#project-count');
  }
  async open(query = '') {
    await this.page.goto(`/${query}`);
  }
  /** The list's total over all its pages ("共 N 个项目" / "N projects"). */
  async total(): Promise<number> {
    return Number(/\d+/.exec(await this.count.innerText())![0]);
  }
  async markerCount(): Promise<number> {
    await this.map.scrollIntoViewIfNeeded(); // the island hydrates when visible
    await this.page.waitForFunction(() => Number(document.querySelector('.map')?.getAttribute('data-marker-count') ?? -1) >= 0);
    return Number(await this.map.getAttribute('data-marker-count'));
  }
  async filter(label: RegExp | string, value: string) {
    await this.page.getByLabel(label).selectOption(value);
  }
  async apply() {
    await this.page.locator('form.filters button[type=submit]').click();
    await this.page.waitForLoadState('domcontentloaded');
  }
}
