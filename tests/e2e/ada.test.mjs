// Adaptive augmentation on the page (issue 36): a hyper-parameter, off by default and refused with
// WGAN or a fixed DiffAugment dose; when on, the live view shows p and r_t, says when D begins to
// memorise and links to the lesson's "What goes wrong"; a reload resumes the loop exactly. Each
// test opens its own browser context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();
const TIMEOUT = 180_000;

/** A ready page in a fresh context (see `Playground.fresh`). */
const freshPage = () => Playground.fresh(session);

/** The live view's adaptive augmentation numbers: { p, rt } (NaN before any step). */
async function adaReading(page) {
  const [p, rt] = await page.$eval('[data-testid="ada"]', (e) => [e.dataset.p, e.dataset.rt]);
  return { p: Number(p), rt: Number(rt) };
}

test('adaptive augmentation is off by default, and refused with WGAN or a fixed DiffAugment dose', async () => {
  const { app, context, errors } = await freshPage();
  await app.openHyperParameters();
  assert.equal(await app.hyperParameter('ada-target'), '0', 'off by default');
  assert.equal(await app.page.$('[data-testid="ada"]'), null, 'nothing shown while off');
  await app.setHyperParameter('ada-target', 0.6);
  assert.deepEqual(await app.configProblem(), { reason: '', applyDisabled: false });
  await app.setHyperParameter('augment', 0.5);
  let refused = await app.configProblem();
  assert.match(refused.reason, /fixed DiffAugment dose and adaptive augmentation .* choose one/);
  assert.ok(refused.applyDisabled, 'Apply waits');
  await app.setHyperParameter('augment', 0);
  await app.setHyperParameter('loss', 2);
  refused = await app.configProblem();
  assert.match(refused.reason, /adaptive augmentation reads the sign of D's output.*turn it off for WGAN/);
  assert.ok(refused.applyDisabled, 'Apply waits');
  await app.setHyperParameter('ada-target', 1.2);
  await app.setHyperParameter('loss', 0);
  assert.match((await app.configProblem()).reason, /target must be in \(0, 1\), or 0 for off, not 1\.2/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('with adaptive augmentation on, the page shows p and r_t, says when D begins to memorise, and links to why', async () => {
  const { app, context, errors } = await freshPage();
  const { page } = app;
  // A low target, so that D is soon surer of the real images than it: p rises within steps.
  await app.useTinyModel({ 'ada-target': 0.05 });
  assert.match(await page.textContent('[data-testid="ada-line"]'), /Adaptive augmentation: on \(target r_t 0\.05\); no step yet/);
  await app.train();
  // The sentence as p first rises: p only rises while r_t is above the target.
  const first = await page.waitForFunction(
    () => document.querySelector('[data-testid="ada-sentence"]')?.textContent, null, { timeout: TIMEOUT });
  assert.match(await first.jsonValue(),
    /^D has begun to memorise your images \(r_t \d\.\d\d, above the target 0\.05\): .*randomly shifted, recoloured and cut versions .* with probability p = \d\.\d{3}/);
  await page.click('[data-testid="pause"]');
  await page.waitForSelector('[data-testid="train"]:not([disabled])', { timeout: TIMEOUT });
  const { p, rt } = await adaReading(page);
  assert.ok(p > 0 && p <= 0.8, `p rose, within its highest: ${p}`);
  assert.ok(rt >= -1 && rt <= 1, `r_t is a mean of signs: ${rt}`);
  const line = await page.textContent('[data-testid="ada-line"]');
  const shownP = Number(/p (\d\.\d{3}) \(at most 0\.8\) · r_t -?\d\.\d\d \(target 0\.05\)/.exec(line)?.[1]);
  assert.ok(Math.abs(shownP - p) < 0.0006, `the line shows the step's p: ${line} / ${p}`);
  // The chart reads the same numbers as a sentence: its last p is the step's.
  const chart = await page.textContent('[data-testid="ada"] [data-testid="chart-text"]');
  const charted = Number(/\bp (-?\d\.\d{3})/.exec(chart)?.[1]);
  assert.ok(Math.abs(charted - p) < 0.0006, `the chart's last p is the step's: ${chart} / ${p}`);
  assert.match(chart, /r_t -?\d\.\d{3}/);
  await page.click('[data-testid="ada-why"]');
  await page.waitForSelector('[data-testid="lesson"]', { timeout: TIMEOUT });
  assert.match(await page.textContent('[data-testid="lesson"] .lesson-title'), /What goes wrong/);
  assert.match(await page.textContent('[data-testid="lesson"]'), /Adaptive augmentation \(Karras et al\. 2020\)/);
  assert.deepEqual(errors, []);
  await context.close();
});

/** A tiny model with adaptive augmentation (target 0.05), stepped by hand `steps` times. */
async function tinyAdaRun(context, steps) {
  const app = await Playground.open(context, `${session.server.url}?cpu`);
  await app.ready();
  await app.savedRunsChecked();
  await app.useTinyModel({ 'ada-target': 0.05 });
  for (let i = 0; i < steps; i += 1) await app.stepOnce();
  return app;
}

test('a reload resumes adaptive augmentation where it was: the resumed run is the uninterrupted one', async () => {
  // p is adjusted every 4 steps: saved at step 6, two updates into an interval, the next
  // adjustment (step 8) needs the saved p, r_t, sum of signs and count to come out the same.
  const { context, errors } = await session.freshContext();
  const app = await tinyAdaRun(context, 6);
  await app.autosaved(6);
  await app.page.reload();
  await app.ready();
  await app.savedRunsChecked();
  await app.resume();
  await app.waitForStep({ equals: 6 });
  await app.stepOnce();
  await app.stepOnce();
  const resumed = await app.exactValues();
  assert.match(resumed, /^8 \[(Some\([^)]*\), ){7}Some\([^)]*\)\]$/, `every value, p and r_t included: ${resumed}`);

  const { context: other } = await session.freshContext();
  const fresh = await tinyAdaRun(other, 8);
  assert.equal(resumed, await fresh.exactValues(), 'same values, p and r_t included, as the run never interrupted');
  await other.close();
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
