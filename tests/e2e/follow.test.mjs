// The explorer follows the user's work (`?cpu`): it opens on the pretrained generator, and once
// the user trains on their own images it shows their model and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { usePage, fixtures } from './harness.mjs';

const session = usePage('?cpu');
const TIMEOUT = 180_000;

test('after a step on the user\'s images, the explorer draws the user\'s model', async () => {
  const { page } = session;
  await page.waitForFunction(() => /Pretrained on emoji faces/.test(document.querySelector('[data-testid="explorer"]')?.textContent), null, { timeout: TIMEOUT });
  assert.ok(await page.isChecked('[data-testid="source-faces"]'), 'opens on the pretrained generator');
  const good = ['red-ring.png', 'green-square.jpg', 'blue-ring.gif', 'yellow-square.webp', 'purple-ring.bmp'];
  await page.setInputFiles('[data-testid="file-input"]', good.map((f) => join(fixtures, f)));
  await page.waitForFunction(() => /Your images \(5 images\)/.test(document.querySelector('[data-testid="dataset"]')?.textContent), null, { timeout: TIMEOUT });
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: TIMEOUT });
  await page.waitForSelector('[data-testid="explorer-follows"]', { timeout: TIMEOUT });
  assert.ok(await page.isChecked('[data-testid="source-training"]'), 'the explorer shows the user\'s model');
  // The user may go back to the pretrained generator, and it stays there.
  await page.check('[data-testid="source-faces"]');
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="samples"][data-step="2"]', { timeout: TIMEOUT });
  assert.ok(await page.isChecked('[data-testid="source-faces"]'), 'the user\'s choice stands');
});
