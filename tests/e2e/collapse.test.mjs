// A run that falls apart, as a class would meet it on the CPU device (`?cpu`): D is made to win
// (fast D, nearly frozen G, five D steps per G step), the page pauses training, says what
// happened and why, and goes back to an earlier state on request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePage, screenshot, setField } from './harness.mjs';

const session = usePage('?cpu');
const TIMEOUT = 180_000;

const stepShown = (page) => page.$eval('[data-testid="stats"]', (p) => Number(/step (\d+) /.exec(p.textContent)?.[1]));

test('when D wins for good, training pauses with an explanation and goes back on request', async () => {
  const { page } = session;
  await page.waitForFunction(() => document.querySelector('[data-testid="device"]')?.textContent.includes('CPU'));
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
  await page.click('[data-testid="hyper-parameters"]');
  for (const [field, value] of [['width', 8], ['latent-size', 16], ['batch-size', 8], ['lr-d', 0.002], ['lr-g', 0.000001], ['d-steps', 5]]) {
    await setField(page, field, value);
  }
  await page.click('[data-testid="apply"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="stats"]')?.textContent, null, { timeout: TIMEOUT });
  const runs = Number(await page.getAttribute('[data-testid="train-panel"]', 'data-runs-ended'));
  await page.click('[data-testid="train"]');

  await page.waitForSelector('[data-testid="alarm"]', { timeout: TIMEOUT });
  const alarm = await page.textContent('[data-testid="alarm"]');
  assert.match(alarm, /the discriminator has won \(step \d+\): it gives real images 1\.00 and generated ones 0\.00/);
  assert.match(alarm, /halve D's learning rate/, 'says what to try');
  await page.waitForSelector('[data-testid="train"]'); // paused: Train is offered again
  // The worker's step loop has ended (it says so): the step shown is the last one.
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="train-panel"]')?.dataset.runsEnded) > n, runs, { timeout: TIMEOUT });
  const at = await stepShown(page);
  assert.equal(await page.textContent('[data-testid="train"]'), 'Train', 'paused, not training');
  await screenshot(page, 'collapse-alarm');

  const button = await page.textContent('[data-testid="go-back"]');
  const target = Number(/Go back to step (\d+)/.exec(button)?.[1]);
  assert.ok(target > 0 && target < at, `goes back from step ${at} to an earlier step (${button})`);
  await page.click('[data-testid="go-back"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="alarm"]'));
  await page.waitForFunction((t) => new RegExp(`step ${t} `).test(document.querySelector('[data-testid="stats"]').textContent), target);

  // Training goes on from there.
  await page.click('[data-testid="step"]');
  await page.waitForFunction((t) => new RegExp(`step ${t + 1} `).test(document.querySelector('[data-testid="stats"]').textContent), target, { timeout: TIMEOUT });
});
