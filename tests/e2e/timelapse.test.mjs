// The timelapse (issue 8, part 6): the sample grid kept over training, a scrubber to replay
// it, and an animated GIF with exactly the frames the page shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { usePage, gifFrames, applyTinyModel } from './harness.mjs';

const session = usePage('?cpu');
const TIMEOUT = 180_000;

const frames = (page) => page.$eval('[data-testid="timelapse"]', (e) => Number(e.dataset.frames));

test('the timelapse keeps the grids, replays them, and exports them as a GIF', async () => {
  const { page } = session;
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
  await applyTinyModel(page);
  await page.waitForFunction(() => document.querySelector('[data-testid="timelapse"]')?.dataset.frames === '1', null, { timeout: TIMEOUT });
  for (let i = 1; i <= 5; i += 1) {
    await page.click('[data-testid="step"]');
    await page.waitForSelector(`[data-testid="samples"][data-step="${i}"]`, { timeout: TIMEOUT });
  }
  assert.equal(await frames(page), 6, 'step 0 and five steps');
  await page.click('[data-testid="timelapse"] summary');
  await page.fill('[data-testid="timelapse-scrubber"]', '0');
  assert.equal(await page.getAttribute('[data-testid="timelapse-frame"]', 'data-step'), '0');
  await page.fill('[data-testid="timelapse-scrubber"]', '3');
  assert.equal(await page.getAttribute('[data-testid="timelapse-frame"]', 'data-step'), '3');

  const shown = await frames(page);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: TIMEOUT }),
    page.click('[data-testid="timelapse-gif"]'),
  ]);
  assert.equal(download.suggestedFilename(), 'timelapse.gif');
  assert.equal(gifFrames(await readFile(await download.path())), shown, 'the GIF has the frames shown');

  // Training on: the kept frames stay within the bound.
  await page.click('[data-testid="train"]');
  await page.waitForFunction(() => Number(/step (\d+) /.exec(document.querySelector('[data-testid="stats"]')?.textContent)?.[1]) > 300, null, { timeout: TIMEOUT });
  await page.click('[data-testid="pause"]');
  const kept = await frames(page);
  assert.ok(kept > shown && kept <= 60, `${kept} frames`);
  assert.deepEqual(session.errors, [], 'no console errors');
});
