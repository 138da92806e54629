// Every way the README says images get in, as a user does it: the picker (page.test.mjs), a
// drop of files anywhere on the page, a pasted image, the folder picker; the built-in sets'
// buttons; "Train on these" and "Clear all".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, copyFile, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBrowser, fixtures } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();
const TIMEOUT = 120_000;

/** A ready page in a fresh context (see `Playground.fresh`). */
const openPage = () => Playground.fresh(session);

const imageCount = (page) => page.$eval('[data-testid="image-count"]', (e) => Number(e.textContent)).catch(() => 0);
const waitForCount = (page, n) => page.waitForFunction((n) => Number(document.querySelector('[data-testid="image-count"]')?.textContent ?? 0) === n, n, { timeout: TIMEOUT });

/** Hands `names` (fixtures) to the page in a DataTransfer, as a drop on the page or a paste. */
async function transfer(page, kind, names) {
  const files = await Promise.all(names.map(async (name) => ({ name, bytes: [...await readFile(join(fixtures, name))] })));
  await page.evaluate(([kind, files]) => {
    const data = new DataTransfer();
    for (const { name, bytes } of files) data.items.add(new File([new Uint8Array(bytes)], name, { type: `image/${name.split('.').pop()}` }));
    const target = document.querySelector('main');
    if (kind === 'drop') {
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    } else {
      target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }
  }, [kind, files]);
}

test('files dropped anywhere on the page, and a pasted image, join the set', async () => {
  const { page, context, errors } = await openPage();
  await transfer(page, 'drop', ['red-ring.png', 'green-square.jpg']);
  await waitForCount(page, 2);
  await transfer(page, 'paste', ['blue-ring.gif']);
  await waitForCount(page, 3);
  assert.match(await page.textContent('[data-testid="dataset"]'), /Your images \(3 images\)/);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('a folder picked adds its images, and names its other files with their reason', async () => {
  const { page, context, errors } = await openPage();
  const folder = await mkdtemp(join(tmpdir(), 'gan-folder-'));
  for (const name of ['red-ring.png', 'yellow-square.webp', 'purple-ring.bmp']) await copyFile(join(fixtures, name), join(folder, name));
  await writeFile(join(folder, 'readme.txt'), 'not an image');
  await page.setInputFiles('[data-testid="folder-input"]', folder);
  await waitForCount(page, 3);
  await page.waitForSelector('[data-testid="rejected"] li', { timeout: TIMEOUT });
  assert.match(await page.textContent('[data-testid="rejected"]'), /readme\.txt.*not an image/);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the built-in sets\' buttons choose them; Train on these and Clear all act on the user\'s images', async () => {
  const { page, context, errors } = await openPage();
  const dataset = () => page.textContent('[data-testid="dataset"]');
  const labels = await page.$$eval('[data-testid^="builtin-"]', (b) => b.map((e) => e.textContent));
  assert.equal(labels.length, 5);
  for (let i = labels.length - 1; i >= 0; i -= 1) {
    await page.click(`[data-testid="builtin-${i}"]`);
    await page.waitForFunction((label) => document.querySelector('[data-testid="dataset"]')?.textContent.includes(label), labels[i], { timeout: TIMEOUT });
    assert.match(await dataset(), /\(\d+ images\)/);
  }
  await page.setInputFiles('[data-testid="file-input"]', ['red-ring.png', 'green-square.jpg'].map((f) => join(fixtures, f)));
  await waitForCount(page, 2);
  await page.waitForFunction(() => /Your images \(2 images\)/.test(document.querySelector('[data-testid="dataset"]')?.textContent), null, { timeout: TIMEOUT });
  await page.click('[data-testid="builtin-0"]');
  await page.waitForFunction((label) => document.querySelector('[data-testid="dataset"]')?.textContent.includes(label), labels[0], { timeout: TIMEOUT });
  assert.equal(await imageCount(page), 2, 'choosing a built-in set keeps the user\'s images');
  await page.click('[data-testid="use-images"]');
  await page.waitForFunction(() => /Your images \(2 images\)/.test(document.querySelector('[data-testid="dataset"]')?.textContent), null, { timeout: TIMEOUT });
  await page.click('[data-testid="clear-images"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="image-count"]'), null, { timeout: TIMEOUT });
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
