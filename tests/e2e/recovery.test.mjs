// Getting back what the user had, the ways the README promises: after non-finite losses with
// no good state in memory (before the first kept state), the page offers the autosave and
// goes back to it; offline, the WebGPU worker and the emoji generator come from the kept files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, useBrowser } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();
const TIMEOUT = 300_000;

test('NaN before any kept state: the page offers the autosave, and going back to it trains on', async () => {
  const { context, errors } = await session.freshContext();
  const app = await Playground.tinyRunSavedAt(context, `${session.server.url}?cpu&test-hooks`, 2);
  const page = app.page;
  // Every autosave from now on, by the step it saved.
  await page.evaluate(() => {
    window.__autosaves = [];
    const saved = document.querySelector('[data-testid="autosave"]');
    new MutationObserver(() => window.__autosaves.push(saved.dataset.step))
      .observe(saved, { attributes: true, attributeFilter: ['data-step'] });
  });
  await page.click('[data-testid="simulate-non-finite"]');
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="alarm"]', { timeout: TIMEOUT });
  assert.match(await page.textContent('[data-testid="alarm"]'), /the losses became NaN or infinite at step 3/);
  assert.equal(await page.$('[data-testid="restored"]'), null, 'no state in memory to go back to');
  assert.match(await page.textContent('[data-testid="go-back-autosave"]'), /Go back to the autosave at step 2/);
  const savedBeforeGoingBack = await page.evaluate(() => window.__autosaves.length);
  await page.click('[data-testid="go-back-autosave"]');
  await app.waitForStep({ equals: 2 });
  await app.stepOnce();
  const losses = await app.losses();
  assert.ok(losses.length >= 2 && losses.every(Number.isFinite), `finite again: ${losses}`);
  // Training stopped at the NaN (an autosave moment), and the page went on: the broken model
  // at step 3 was never saved over the good one.
  await app.autosaved(3);
  const saves = await page.evaluate(() => window.__autosaves);
  assert.ok(!saves.slice(0, savedBeforeGoingBack).includes('3'), `the broken step 3 was never saved: ${saves}`);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('offline: the WebGPU worker and the emoji generator, once used, come from the kept files', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const { context, errors } = await session.freshContext();
  // Online first: the page on WebGPU, the emoji generator chosen (both kept when first fetched).
  const app = await Playground.open(context, `${server.url}?gpu`);
  await app.waitForDevice(/Training on your GPU \(WebGPU/);
  await app.page.waitForSelector('[data-testid="offline"][data-ready="true"]', { timeout: TIMEOUT });
  await app.page.check('[data-testid="source-emoji"]');
  await app.page.waitForFunction(() => /Pretrained on emoji \(\d+ steps\)/.test(document.querySelector('[data-testid="explorer"]')?.textContent), null, { timeout: TIMEOUT });
  const link = app.page.url();
  await server.close();
  // The server gone: the same link opens on WebGPU, trains a step, and draws the emoji generator.
  await app.page.goto(link);
  await app.waitForDevice(/Training on your GPU \(WebGPU/);
  await app.page.waitForSelector('[data-testid="samples"][data-step]', { timeout: TIMEOUT });
  await app.page.waitForSelector('[data-testid="step"]:not([disabled])', { timeout: TIMEOUT });
  await app.stepOnce();
  assert.ok(await app.page.isChecked('[data-testid="source-emoji"]'), 'the link keeps the emoji generator');
  await app.page.waitForFunction(() => /Pretrained on emoji \(\d+ steps\)/.test(document.querySelector('[data-testid="explorer"]')?.textContent), null, { timeout: TIMEOUT });
  await app.page.waitForFunction(() => Number(document.querySelector('[data-testid="preview"]')?.dataset.drawn) > 0, null, { timeout: TIMEOUT });
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
