// The control panel and the explorer's buttons as a user presses them: Step D only and Step G
// only, Reset (after a confirmation), the hinge and WGAN losses chosen and trained, 64×64 images
// trained and drawn; the explorer's Zero, A ← / B ←, Play and Random walk; a saved run's Start
// fresh and Delete saved run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();
const TIMEOUT = 180_000;

/** A ready page in a fresh context (see `Playground.fresh`). */
const openPage = () => Playground.fresh(session);

/** The last step's exact values: [step, [d_loss, g_loss, d_real, d_fake, …]]. */
async function exact(app) {
  const text = await app.exactValues();
  const [step, ...rest] = text.split(' ');
  return { step: Number(step), values: rest.join(' ') };
}

test('Step D only moves D and not G\'s step; Step G only takes G one step; Reset starts again after a confirmation', async () => {
  const { app, page, context, errors } = await openPage();
  await app.useTinyModel();
  await page.waitForSelector('[data-testid="step"]:not([disabled])', { timeout: TIMEOUT });
  // The first step's loop must have ended before Step D only's is counted.
  const before = await app.runsEnded();
  await app.stepOnce();
  await app.waitForIdle(before);
  const runs = await app.runsEnded();
  await page.click('[data-testid="step-d"]');
  await app.waitForIdle(runs);
  const afterD = await exact(app);
  assert.equal(afterD.step, 1, 'a D step is not a G step');
  assert.match(afterD.values, /^\[Some\([\d.e-]+\), None/, `D's loss and no G loss: ${afterD.values}`);
  await page.click('[data-testid="step-g"]');
  await app.waitForStep({ equals: 2 });
  const afterG = await exact(app);
  assert.match(afterG.values, /^\[None, Some\([\d.e-]+\)/, `G's loss and no D loss: ${afterG.values}`);
  // Reset asks first (the trained model would be lost); declined, nothing changes.
  const answers = [false, true];
  const asked = [];
  page.on('dialog', (d) => { asked.push(d.message()); return answers.shift() ? d.accept() : d.dismiss(); });
  await page.click('[data-testid="reset"]');
  // Declined: the next step is the trained model's third, not a new model's first.
  await app.stepOnce();
  assert.equal(await app.step(), 3, 'declined: the model stays');
  await page.click('[data-testid="reset"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="stats"]')?.textContent, null, { timeout: TIMEOUT });
  assert.equal(asked.length, 2);
  assert.match(asked[0], /discards the trained one/);
  await app.stepOnce();
  assert.equal(await app.step(), 1, 'a fresh model');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('hinge and WGAN chosen in the page train with their own recipes', async () => {
  const { app, page, context, errors } = await openPage();
  // A new model after training asks first: yes.
  page.on('dialog', (d) => d.accept());
  for (const [loss, pattern, formula] of [[1, /DCGAN's recipe/, /hinge/i], [2, /WGAN as its paper trains it/, /WGAN|critic/]]) {
    await app.useTinyModel({ loss });
    await page.waitForSelector('[data-testid="step"]:not([disabled])', { timeout: TIMEOUT });
    assert.equal(await app.hyperParameter('loss'), String(loss), 'the model the worker built has that loss');
    assert.match(await page.textContent('[data-testid="loss-recipe"]'), pattern);
    if (loss === 2) assert.equal(await app.hyperParameter('d-steps'), '5', 'WGAN: five critic steps');
    await app.trainTo(3);
    // D's verdict after those steps writes that loss out with its numbers.
    await page.waitForFunction((source) => new RegExp(source, 'i').test(document.querySelector('[data-testid="loss-formulas"] h3')?.textContent ?? ''), formula.source, { timeout: TIMEOUT });
    const losses = await app.losses();
    assert.ok(losses.every(Number.isFinite), `finite losses under ${pattern}: ${losses}`);
  }
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('64×64 images: a model of that size trains and its grid is drawn at 64 pixels a tile', async () => {
  const { app, page, context, errors } = await openPage();
  const [w32, h32] = await app.gridSize();
  await app.applyModel({ 'image-size': 64, width: 4, 'latent-size': 8, 'batch-size': 4 });
  await page.waitForSelector('[data-testid="step"]:not([disabled])', { timeout: TIMEOUT });
  await app.stepOnce();
  await page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: TIMEOUT });
  const [w, h] = await app.gridSize();
  // The same tiles at twice the side (the gaps between them may stay as they were).
  assert.ok(w > 1.8 * w32 && h > 1.8 * h32, `64-pixel tiles: ${w32}×${h32} → ${w}×${h}`);
  assert.match(await page.textContent('[data-testid="generator-total"]'), /parameters/);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the explorer\'s Zero, A ← / B ←, Play and Random walk', async () => {
  const { page, context, errors } = await openPage();
  const z = () => page.$$eval('[data-testid="z-sliders"] input[type="range"]', (s) => s.map((e) => Number(e.value)));
  const drawn = () => page.$eval('[data-testid="preview"]', (c) => Number(c.dataset.drawn));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="preview"]')?.dataset.drawn) > 0, null, { timeout: TIMEOUT });
  await page.click('[data-testid="zero"]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="z-sliders"] input[type="range"]')].every((e) => Number(e.value) === 0), null, { timeout: TIMEOUT });
  assert.ok((await z()).length >= 8);
  // A is z = 0; B a random z; t at 1 shows B's z.
  await page.click('[data-testid="set-a"]');
  await page.click('[data-testid="randomize"]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="z-sliders"] input[type="range"]')].some((e) => Number(e.value) !== 0), null, { timeout: TIMEOUT });
  const b = await z();
  await page.click('[data-testid="set-b"]');
  await page.fill('[data-testid="t"]', '0');
  await page.dispatchEvent('[data-testid="t"]', 'input');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="z-sliders"] input[type="range"]')].every((e) => Number(e.value) === 0), null, { timeout: TIMEOUT });
  await page.fill('[data-testid="t"]', '1');
  await page.dispatchEvent('[data-testid="t"]', 'input');
  await page.waitForFunction((b) => [...document.querySelectorAll('[data-testid="z-sliders"] input[type="range"]')].every((e, i) => Math.abs(Number(e.value) - b[i]) < 1e-2), b, { timeout: TIMEOUT });
  // Play animates t from A to B: the preview redraws with no input, and Stop stops it.
  for (const [testid, stop] of [['play', 'Stop'], ['walk', 'Stop walking']]) {
    const before = await drawn();
    const zBefore = await z();
    await page.click(`[data-testid="${testid}"]`);
    assert.equal((await page.textContent(`[data-testid="${testid}"]`)).trim(), stop);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="preview"]')?.dataset.drawn) >= n + 3, before, { timeout: TIMEOUT });
    assert.notDeepEqual(await z(), zBefore, `${testid} moves z`);
    await page.click(`[data-testid="${testid}"]`);
    assert.notEqual((await page.textContent(`[data-testid="${testid}"]`)).trim(), stop);
  }
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('a saved run: Start fresh leaves it saved, Delete saved run removes it', async () => {
  const { context, errors } = await session.freshContext();
  const app = await Playground.tinyRunSavedAt(context, `${session.server.url}?cpu`, 2);
  const page = app.page;
  // A new tab: the first tab's run is in use there, so close it first.
  const url = page.url();
  await page.close();
  const second = await Playground.open(context, url);
  await second.ready();
  await second.savedRunsChecked();
  assert.match(await second.resumeOffer(), /Resume your run from step 2/);
  await second.page.click('[data-testid="start-fresh"]');
  await second.page.waitForSelector('[data-testid="resume-offer"]', { state: 'detached', timeout: TIMEOUT });
  assert.equal(await second.step(), -1, 'the fresh page\'s own model: no step yet');
  await second.page.close();
  const third = await Playground.open(context, url);
  await third.ready();
  await third.savedRunsChecked();
  assert.match(await third.resumeOffer(), /Resume your run from step 2/, 'Start fresh left it saved');
  await third.page.click('[data-testid="delete-saved"]');
  await third.page.waitForSelector('[data-testid="resume-offer"]', { state: 'detached', timeout: TIMEOUT });
  // The page says so once the run is gone from the browser's storage.
  assert.match(await third.page.textContent('[data-testid="deleted"]', { timeout: TIMEOUT }), /The saved run from step 2 was deleted/);
  await third.page.close();
  const fourth = await Playground.open(context, url);
  await fourth.ready();
  await fourth.savedRunsChecked();
  assert.equal(await fourth.resumeOffer(), null, 'deleted: nothing to offer');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
