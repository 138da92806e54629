// What the page teaches is right (issue 31): after Step D only the verdict no longer claims D
// trained on the rows shown; choosing WGAN sets its paper's recipe, says so, and trains with it;
// the gradient norms are charted with a text a screen reader reads; D's scores can be taken on
// one mixed batch, and they move; the quality line shows its measure's spread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();
const TIMEOUT = 300_000;

/** A small model, for tests that need a few quick steps. */
const SMALL = { width: 8, 'latent-size': 20, 'batch-size': 8 };

/** A fresh page on the CPU device, with D's first verdict shown. */
async function open() {
  const { context, errors } = await session.freshContext();
  const app = await Playground.open(context, `${session.server.url}?cpu`);
  await app.page.waitForSelector('[data-testid="verdict"][data-version="1"]', { timeout: TIMEOUT });
  return { app, page: app.page, context, errors };
}

/** The verdict's version (counts the verdicts the worker sent). */
async function verdictVersion(page) {
  return Number(await page.getAttribute('[data-testid="verdict"]', 'data-version'));
}

/** Clicks `testid` and waits for the verdict after it. */
async function clickForVerdict(page, testid) {
  const before = await verdictVersion(page);
  await page.click(`[data-testid="${testid}"]`);
  await page.waitForSelector(`[data-testid="verdict"][data-version="${before + 1}"]`, { timeout: TIMEOUT });
}

/** D's shown numbers under one row. */
async function scores(page, kind) {
  return page.$$eval(`[data-testid="score-${kind}"]`, (s) => s.map((e) => Number(e.dataset.value)));
}

test('after Step D only, the verdict says D trained on a fresh batch, not on the rows shown', async () => {
  const { app, page, context, errors } = await open();
  await app.newModel(SMALL);
  await clickForVerdict(page, 'game-step-d');
  const after = await page.textContent('[data-testid="verdict-after"]');
  assert.doesNotMatch(after, /these very images/);
  assert.match(after, /fresh batch/);
  assert.match(after, /did not train on/);
  assert.match(await page.textContent('[data-testid="batch-note"]'), /depends on the others in its row/);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('choosing WGAN sets RMSProp at 5e-5, 5 critic steps and clip 0.01, says so, and trains', async () => {
  const { app, page, context, errors } = await open();
  await app.ready();
  await app.openHyperParameters();
  await page.selectOption('[data-testid="loss"]', '2');
  assert.equal(await page.$eval('[data-testid="optimizer"]', (s) => s.selectedOptions[0].textContent), 'RMSProp');
  assert.equal(Number(await app.hyperParameter('lr-g')), 5e-5);
  assert.equal(Number(await app.hyperParameter('lr-d')), 5e-5);
  assert.equal(Number(await app.hyperParameter('d-steps')), 5);
  assert.equal(Number(await app.hyperParameter('wgan-clip')), 0.01);
  assert.match(await page.textContent('[data-testid="loss-recipe"]'), /WGAN as its paper trains it \(Arjovsky et al\. 2017/);
  // A change of one setting is named as a change from the paper.
  await app.setHyperParameter('d-steps', 2);
  assert.match(await page.textContent('[data-testid="loss-recipe"]'), /Changed here: RMSProp .* 2 D steps/);
  await app.setHyperParameter('d-steps', 5);
  for (const [field, value] of Object.entries(SMALL)) await app.setHyperParameter(field, value);
  await page.click('[data-testid="apply"]');
  await page.waitForFunction(() => /WGAN/.test(document.querySelector('[data-testid="loss-formulas"] h3')?.textContent), null, { timeout: TIMEOUT });
  await app.stepOnce();
  await app.stepOnce();
  const [dLoss, gLoss] = await app.losses();
  assert.ok(Number.isFinite(dLoss) && Number.isFinite(gLoss), `${dLoss} ${gLoss}`);
  await page.waitForFunction(() => /near its optimum/.test(document.querySelector('[data-testid="loss-note"]')?.textContent), null, { timeout: TIMEOUT });
  assert.match(await page.textContent('[data-testid="loss-note"]'), /lower bound/);
  // Back to BCE: DCGAN's recipe again.
  await page.selectOption('[data-testid="loss"]', '0');
  assert.equal(await page.$eval('[data-testid="optimizer"]', (s) => s.selectedOptions[0].textContent), 'Adam');
  assert.equal(Number(await app.hyperParameter('lr-d')), 2e-4);
  assert.equal(Number(await app.hyperParameter('d-steps')), 1);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the gradient norms are charted, with a text equivalent a screen reader reads', async () => {
  const { app, page, context, errors } = await open();
  await app.newModel(SMALL);
  for (let i = 0; i < 3; i += 1) await app.stepOnce();
  const chart = page.getByRole('img', { name: /^Gradient norms\. At step 3: ‖∇D‖ [\d.]+ .*; ‖∇G‖ [\d.]+ / });
  await chart.waitFor({ timeout: TIMEOUT });
  const name = await chart.getAttribute('aria-label');
  const norms = [...name.matchAll(/‖∇[DG]‖ ([\d.]+) /g)].map((m) => Number(m[1]));
  assert.equal(norms.length, 2, name);
  assert.ok(norms.every((n) => n > 0), `both networks had a gradient: ${name}`);
  const lines = await chart.evaluate((svg) => [...svg.querySelectorAll('polyline')].map((p) => p.getAttribute('points').trim().split(/\s+/).length));
  assert.deepEqual(lines, [3, 3], 'one point per step for each network');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('D can score both rows as one mixed batch, and the same images then get other numbers', async () => {
  const { app, page, context, errors } = await open();
  await app.newModel(SMALL);
  await app.stepOnce();
  // The verdict on the stepped model comes just before its grid.
  await page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: TIMEOUT });
  assert.equal(await page.getAttribute('[data-testid="verdict"]', 'data-mixed'), 'false');
  const alone = { real: await scores(page, 'real'), fake: await scores(page, 'fake') };
  await clickForVerdict(page, 'mixed-verdict');
  assert.equal(await page.getAttribute('[data-testid="verdict"]', 'data-mixed'), 'true');
  assert.ok(await page.isChecked('[data-testid="mixed-verdict"]'));
  assert.match(await page.textContent('[data-testid="batch-note"]'), /one mixed batch/);
  const mixed = { real: await scores(page, 'real'), fake: await scores(page, 'fake') };
  const moved = (a, b) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));
  assert.ok(moved(alone.real, mixed.real) > 1e-4 || moved(alone.fake, mixed.fake) > 1e-4,
    `no weight changed, yet the scores moved: ${JSON.stringify({ alone, mixed })}`);
  await clickForVerdict(page, 'mixed-verdict');
  assert.deepEqual(await scores(page, 'real'), alone.real, 'row by row again: the same numbers');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the quality line shows the range of its measure over three seeds', async () => {
  const { app, page, context, errors } = await open();
  await app.newModel(SMALL);
  await app.train();
  await page.waitForSelector('[data-testid="swd-range"]', { timeout: TIMEOUT });
  await app.pause();
  const swd = Number(await page.getAttribute('[data-testid="swd"]', 'data-swd'));
  const low = Number(await page.getAttribute('[data-testid="swd-range"]', 'data-low'));
  const high = Number(await page.getAttribute('[data-testid="swd-range"]', 'data-high'));
  assert.ok(low <= swd && swd <= high && low < high, `${low} ≤ ${swd} ≤ ${high}`);
  assert.match(await page.textContent('[data-testid="swd-range"]'), /over 3 seeds .* noisy/);
  assert.match(await page.textContent('[data-testid="memorisation"]'), /or its mirror/);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
