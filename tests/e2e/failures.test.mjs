// Failure modes named when they happen (issue 8, part 4): losses that turn NaN stop training,
// say so, and go back to the last good state (issue 9, part 6). That a broken model is never
// autosaved is tested where one stays in memory (no kept state yet): recovery.test.mjs, which
// fails with the worker's guards removed. The weights are made NaN by a test hook; what follows
// (the step's read-back, the alarm, going back) is the page's real path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePage, applyTinyModel } from './harness.mjs';

const session = usePage('?cpu&test-hooks');
const TIMEOUT = 180_000;

const stepShown = (page) => page.$eval('[data-testid="stats"]', (p) => Number(/step (\d+) /.exec(p.textContent)?.[1] ?? -1));

test('non-finite losses stop training, say so, go back to the newest kept state at once, and the autosave then holds that state', async () => {
  const { page } = session;
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
  await applyTinyModel(page);
  await page.waitForFunction(() => !document.querySelector('[data-testid="stats"]')?.textContent, null, { timeout: TIMEOUT });
  const runs = Number(await page.getAttribute('[data-testid="train-panel"]', 'data-runs-ended'));
  await page.click('[data-testid="train"]');
  await page.waitForFunction(() => Number(/step (\d+) /.exec(document.querySelector('[data-testid="stats"]')?.textContent)?.[1]) > 105, null, { timeout: TIMEOUT });
  await page.click('[data-testid="pause"]');
  await page.waitForSelector('[data-testid="train"]:not([disabled])');
  // Paused by state: the worker's step loop has ended, so the step shown is the model's.
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="train-panel"]')?.dataset.runsEnded) > n, runs, { timeout: TIMEOUT });
  const paused = await stepShown(page);
  // A state is kept every 100 steps: the newest good one is the last multiple of 100.
  const expected = Math.floor(paused / 100) * 100;

  await page.click('[data-testid="simulate-non-finite"]');
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="alarm"]', { timeout: TIMEOUT });
  const alarm = await page.textContent('[data-testid="alarm"]');
  assert.match(alarm, /Training paused/);
  assert.match(alarm, /the losses became NaN or infinite at step \d+/);
  // Nothing after a NaN is kept: the model is back at its last good state already.
  assert.match(await page.textContent('[data-testid="restored"]'), new RegExp(`The model went back to step ${expected}, its last good state`));
  assert.match(alarm, /halve both/);
  assert.equal(await page.$('[data-testid="keep-training"]'), null, 'no "keep training" into NaN');
  assert.equal(await page.$('[data-testid="go-back"]'), null, 'already back');
  const back = await stepShown(page);
  assert.equal(back, expected, `back at the newest kept step (paused at ${paused})`);
  // The autosave holds the good state, not the NaN one.
  await page.waitForSelector(`[data-testid="autosave"][data-step="${back}"]`, { state: 'attached', timeout: TIMEOUT });
  await page.click('[data-testid="step"]');
  await page.waitForFunction((b) => Number(/step (\d+) /.exec(document.querySelector('[data-testid="stats"]')?.textContent)?.[1]) === b + 1, back, { timeout: TIMEOUT });
  const losses = await page.textContent('[data-testid="losses"]');
  assert.match(losses, /D loss \d+\.\d+ · G loss \d+\.\d+/, `finite again: ${losses}`);
  assert.deepEqual(session.errors, [], 'no console errors');
});
