// Failure modes named when they happen (issue 8, part 4): losses that turn NaN stop training,
// say so, and offer the last good state. The weights are made NaN by a test hook; what follows
// (the step's read-back, the alarm, going back) is the page's real path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePage, applyTinyModel } from './harness.mjs';

const session = usePage('?cpu&test-hooks');
const TIMEOUT = 180_000;

const stepShown = (page) => page.$eval('[data-testid="stats"]', (p) => Number(/step (\d+) /.exec(p.textContent)?.[1] ?? -1));

test('non-finite losses stop training, say so, and go back to the last good state', async () => {
  const { page } = session;
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
  await applyTinyModel(page);
  await page.waitForFunction(() => !document.querySelector('[data-testid="stats"]')?.textContent, null, { timeout: TIMEOUT });
  await page.click('[data-testid="train"]');
  await page.waitForFunction(() => Number(/step (\d+) /.exec(document.querySelector('[data-testid="stats"]')?.textContent)?.[1]) > 105, null, { timeout: TIMEOUT });
  await page.click('[data-testid="pause"]');
  await page.waitForSelector('[data-testid="train"]:not([disabled])');

  await page.click('[data-testid="simulate-non-finite"]');
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="alarm"]', { timeout: TIMEOUT });
  const alarm = await page.textContent('[data-testid="alarm"]');
  assert.match(alarm, /Training paused/);
  assert.match(alarm, /the losses became NaN or infinite at step \d+/);
  assert.match(alarm, /lower\s+the learning rates/);
  assert.equal(await page.$('[data-testid="keep-training"]'), null, 'no "keep training" into NaN');
  assert.match(await page.textContent('[data-testid="go-back"]'), /Go back to step (100|200)/);

  await page.click('[data-testid="go-back"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="alarm"]'), null, { timeout: TIMEOUT });
  const back = await stepShown(page);
  assert.ok(back === 100 || back === 200, `back at a kept step: ${back}`);
  await page.click('[data-testid="step"]');
  await page.waitForFunction((b) => Number(/step (\d+) /.exec(document.querySelector('[data-testid="stats"]')?.textContent)?.[1]) === b + 1, back, { timeout: TIMEOUT });
  const losses = await page.textContent('[data-testid="losses"]');
  assert.match(losses, /D loss \d+\.\d+ · G loss \d+\.\d+/, `finite again: ${losses}`);
  assert.deepEqual(session.errors, [], 'no console errors');
});
