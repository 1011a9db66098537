import { test, expect } from '@playwright/test';

const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE, javaScriptEnabled: false });

/** An estate of the demo data and its project, read from a project page (not from the search under test). */
async function someEstate(page: import('@playwright/test').Page) {
  // a demo project of stage 2 with notices (other specs publish projects of their own, without any)
  const geo = (await (await page.request.get('/api/projects.geojson?stage=2')).json()) as { features: { properties: { code: string } }[] };
  let code = '';
  for (const f of geo.features) {
    const p = (await (await page.request.get(`/api/projects/${encodeURIComponent(f.properties.code)}.json`)).json()) as { isDemo: boolean; notices: unknown[] };
    if (p.isDemo && p.notices.length > 0) {
      code = f.properties.code;
      break;
    }
  }
  expect(code).not.toBe('');
  await page.goto(`/projects/${encodeURIComponent(code)}`);
  const name = (await page.locator('#estates-table td.card-head > span').first().innerText()).trim();
  const address = (await page.locator('#estates-table td[data-label="地址"]').first().innerText()).trim();
  return { code, name, address };
}

test('a resident without JavaScript finds her estate by name, address or project code on the home page', async ({ page }) => {
  const estate = await someEstate(page);
  for (const q of [estate.name, estate.address, estate.code.toLowerCase()]) {
    await page.goto('/');
    await page.getByLabel('小区名称、地址或项目编号').fill(q);
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(new RegExp(`[?&]q=`)); // waits for the load event, not only the URL
    const codes = await page.locator('#project-list li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')));
    expect(codes, q).toContain(estate.code);
    expect(codes.length, q).toBeLessThan(25);
    await expect(page.getByLabel('小区名称、地址或项目编号')).toHaveValue(q);
    await expect(page.locator('#project-count')).toHaveText(`共 ${codes.length} 个项目`);
  }
  await page.goto(`/?q=${encodeURIComponent('没有这个小区')}`);
  await expect(page.locator('#project-list li')).toHaveCount(0);
  await expect(page.getByText('没有符合条件的项目。')).toBeVisible();
});

test('the notices come a page at a time on a phone and can be narrowed to one estate', async ({ page }) => {
  await page.goto('/notices');
  const total = Number((await page.locator('#notice-count').innerText()).match(/共 (\d+) 条公告/)![1]);
  expect(total).toBeGreaterThan(40);
  await expect(page.locator('#notice-list li')).toHaveCount(20);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(4000); // 7,400 px with every notice
  const pages = Math.ceil(total / 20);
  await expect(page.locator('nav.pager')).toContainText(`第 1 页，共 ${pages} 页`);
  const seen = new Set<string>();
  for (let n = 1; n <= pages; n++) {
    for (const href of await page.locator('#notice-list li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) seen.add(href);
    if (n < pages) await page.getByRole('link', { name: '下一页' }).click();
  }
  expect(seen.size).toBe(total);
  await expect(page.getByRole('link', { name: '下一页' })).toHaveCount(0);
  await page.getByRole('link', { name: '上一页' }).click();
  await expect(page.locator('nav.pager')).toContainText(`第 ${pages - 1} 页`);

  const estate = await someEstate(page);
  await page.getByRole('link', { name: '本项目小区的全部公告' }).click();
  await page.waitForURL(/\/notices\?/); // the new list, loaded: not the page the link was on
  const forProject = await page.locator('#notice-list li').count();
  expect(forProject).toBeGreaterThan(0);
  await page.goto('/notices');
  await page.getByLabel('小区名称、地址、项目编号或公告标题').fill(estate.name);
  await page.getByRole('button', { name: '筛选' }).click();
  await page.waitForURL(/[?&]q=/);
  const titles = await page.locator('#notice-list li strong').allInnerTexts();
  expect(titles.length).toBeGreaterThan(0);
  expect(titles.length).toBeLessThan(20);
  for (const title of titles) expect(title).toContain(estate.name);
});

test('without JavaScript the map says the list below has the same projects; the notice says how to print', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('.map-status')).toHaveText('地图需要浏览器启用 JavaScript 才能显示。下方“项目列表”列出了同样的项目。');
  await expect(page.getByText('正在加载地图…')).toHaveCount(0);
  await page.goto('/notices?kind=plan');
  await page.locator('#notice-list li a').first().click();
  await expect(page.getByRole('button', { name: '打印公告' })).toBeHidden();
  await expect(page.getByText('也可以使用浏览器菜单中的“打印”（电脑上按 Ctrl+P）。')).toBeVisible();
});

for (const lang of ['zh', 'en'] as const) {
  test(`no public page is wider than a phone in elder mode, long unbroken titles included (${lang})`, async ({ page }) => {
    await page.goto(`/prefs?lang=${lang}&elder=1&next=/`);
    const project = (await page.locator('#project-list li a').first().getAttribute('href'))!;
    const notice = (await page.goto('/notices').then(() => page.locator('#notice-list li a').first().getAttribute('href')))!;
    for (const url of ['/', '/?stage=1', '/notices', '/notices?page=2', notice, project, '/open-data', '/subdistricts/mazhuang']) {
      await page.goto(url);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(PHONE.width);
    }
  });
}

test('the open-data page fits a phone and lists every feed with its fields, licence and last update', async ({ page }) => {
  await page.goto('/open-data');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  for (const id of ['geojson', 'csv', 'oc4ids', 'project', 'results', 'bulletin', 'objections']) {
    const feed = page.locator(`#feed-${id}`);
    await expect(feed.locator('dt', { hasText: '字段' })).toHaveCount(1);
    expect(await feed.locator('dd.fields code').count(), id).toBeGreaterThanOrEqual(3);
    await expect(feed.getByRole('link', { name: 'CC BY 4.0' })).toHaveAttribute('rel', 'license');
    await expect(feed.locator('dd.updated')).not.toBeEmpty();
  }
  // the projects' last update is a real date, and the project JSON example answers
  await expect(page.locator('#feed-project dd.updated time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/);
  const example = page.locator('#feed-project a[href^="/api/projects/"]');
  const res = await page.request.get((await example.getAttribute('href'))!);
  expect(res.status()).toBe(200);
  const fields = await page.locator('#feed-project dd.fields code').allInnerTexts();
  for (const key of Object.keys(await res.json()))
    expect(
      fields.map((f) => f.replace('[]', '').split(' ')[0]),
      key,
    ).toContain(key);
  // the CSV's columns are the ones listed
  const csv = (await (await page.request.get('/open-data/projects.csv')).text())
    .replace(/^\uFEFF/, '')
    .split('\r\n')[0]!
    .split(',');
  expect(await page.locator('#feed-csv dd.fields code').allInnerTexts()).toEqual(csv);
});
