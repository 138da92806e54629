// The averaged generator (issue 12, part 2): the grid shows the exponential moving average of
// G's weights by default; a switch shows the raw G (what D sees) and back; with the decay at 0
// there is no average and no switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePage, canvasFingerprint, setField } from './harness.mjs';

const session = usePage('?cpu');
const TIMEOUT = 180_000;

const stepShown = (page) => page.$eval('[data-testid="stats"]', (p) => Number(/step (\d+) /.exec(p.textContent)?.[1] ?? -1));

/** Waits for a grid drawn after `before` (by its fingerprint). */
async function nextGrid(page, before) {
  await page.waitForFunction((fp) => {
    const c = document.querySelector('[data-testid="samples"]');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 1) sum = (sum + data[i] * (i % 251 + 1)) % 1e9;
    return `${c.width}x${c.height}:${sum}` !== fp;
  }, before, { timeout: TIMEOUT });
  return canvasFingerprint(page, 'samples');
}

test('the grid shows the average; the raw generator is one switch away', async () => {
  const { page } = session;
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
  await page.click('[data-testid="hyper-parameters"]');
  for (const [field, value] of [['width', 8], ['latent-size', 16], ['batch-size', 8]]) await setField(page, field, value);
  assert.equal(await page.inputValue('[data-testid="ema-beta"]'), '0.999', 'on by default');
  await page.click('[data-testid="apply"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="stats"]')?.textContent, null, { timeout: TIMEOUT });
  await page.click('[data-testid="train"]');
  await page.waitForFunction(() => Number(/step (\d+) /.exec(document.querySelector('[data-testid="stats"]')?.textContent)?.[1]) >= 40, null, { timeout: TIMEOUT });
  await page.click('[data-testid="pause"]');
  await page.waitForSelector('[data-testid="train"]:not([disabled])');
  const step = await stepShown(page);
  // The grid on screen may predate the last steps (it refreshes every 1.5 s): switch once to
  // have both drawings of the model as it is now.
  const shown = await canvasFingerprint(page, 'samples');
  await page.check('[data-testid="show-raw"]');
  const raw = await nextGrid(page, shown);
  await page.uncheck('[data-testid="show-raw"]');
  const averaged = await nextGrid(page, raw);
  assert.notEqual(raw, averaged, 'the raw G draws other images than its average');
  await page.check('[data-testid="show-raw"]');
  assert.equal(await nextGrid(page, averaged), raw, 'the same raw drawing again');
  await page.uncheck('[data-testid="show-raw"]');
  assert.equal(await nextGrid(page, raw), averaged, 'and back to the very same average');
  assert.equal(await stepShown(page), step, 'looking trains nothing');

  await setField(page, 'ema-beta', 0); // the hyper-parameters are still open
  page.once('dialog', (dialog) => dialog.accept()); // "discards the trained one. Continue?"
  await page.click('[data-testid="apply"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="show-raw"]'), null, { timeout: TIMEOUT });
  assert.deepEqual(session.errors, [], 'no console errors');
});
