// The page on WebGPU (SwiftShader in headless Chromium without a GPU): the device starts and a
// training step on it gives finite losses and a new sample grid; training there (each step sent
// before the last one is read back) shows every step once and loses none on Pause; the explorer
// draws there; a lost device is survived; a checkpoint from it resumes exactly (Adam's state
// included). A small model keeps the software GPU's step short.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { useBrowser, screenshot, fixtures } from './harness.mjs';
import { Playground } from './playground.mjs';

// Each test opens its own page in a fresh browser context, so none depends on another's state.
const session = useBrowser();

const SOFTWARE_GPU_TIMEOUT = 300_000;

/** A fresh page on WebGPU: `test-hooks` shows a button that makes the worker report a lost GPU
 * device; `gpu` uses WebGPU although the only adapter here is a software one (the default would
 * pick the CPU). With `small`, a small model (width 8, batch 4) keeps the software GPU's steps
 * short. */
async function openGpu({ small = true } = {}) {
  const { context, errors } = await session.freshContext();
  const app = await Playground.open(context, `${session.server.url}?test-hooks&gpu`);
  const device = await app.waitForDevice(/Training on/);
  assert.match(device, /WebGPU/, `the device is WebGPU: ${device}`);
  if (small) {
    await app.openHyperParameters();
    await app.setHyperParameter('width', 8);
    await app.setHyperParameter('batch-size', 4);
    await app.page.click('[data-testid="apply"]');
    await app.page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: SOFTWARE_GPU_TIMEOUT });
    await app.page.waitForSelector('[data-testid="step"]:not([disabled])', { timeout: SOFTWARE_GPU_TIMEOUT });
  }
  return { app, page: app.page, context, errors };
}

test('trains a step on the WebGPU device', async () => {
  const { page, context, errors } = await openGpu();
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: SOFTWARE_GPU_TIMEOUT });
  const losses = await page.textContent('[data-testid="losses"]');
  const numbers = [...losses.matchAll(/(-?\d+\.\d+)/g)].map((m) => Number(m[1]));
  assert.equal(numbers.length, 4, `four values in "${losses}"`);
  assert.ok(numbers.every(Number.isFinite), losses);
  console.log(`# WebGPU step: ${await page.textContent('[data-testid="stats"]')}`);
  await screenshot(page, 'webgpu-step');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('a checkpoint from WebGPU keeps Adam\'s state: loaded back, the next step is the uninterrupted one', async () => {
  const { page, context, errors } = await openGpu();
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: SOFTWARE_GPU_TIMEOUT });
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: SOFTWARE_GPU_TIMEOUT }),
    page.click('text=Download checkpoint'),
  ]);
  const bytes = await readFile(await download.path());
  const step = Number(/step (\d+) /.exec(await page.textContent('[data-testid="stats"]'))[1]);
  const exact = async (n) => {
    await page.waitForSelector(`[data-testid="losses"][data-exact^="${n} "]`, { timeout: SOFTWARE_GPU_TIMEOUT });
    const text = await page.getAttribute('[data-testid="losses"]', 'data-exact');
    return [...text.matchAll(/Some\((-?[\d.e+-]+|NaN|inf)\)/g)].map((m) => Number(m[1]));
  };
  await page.click('[data-testid="step"]');
  const uninterrupted = await exact(step + 1);
  // The step is over when its grid is in (the checkpoint is loaded after it).
  await page.waitForSelector(`[data-testid="samples"][data-step="${step + 1}"]`, { timeout: SOFTWARE_GPU_TIMEOUT });
  await page.setInputFiles('[data-testid="checkpoint-input"]', { name: 'webgpu.gan', mimeType: 'application/octet-stream', buffer: bytes });
  await page.waitForSelector(`[data-testid="samples"][data-step="${step}"]`, { timeout: SOFTWARE_GPU_TIMEOUT });
  await page.click('[data-testid="step"]');
  const resumed = await exact(step + 1);
  await page.waitForSelector(`[data-testid="samples"][data-step="${step + 1}"]`, { timeout: SOFTWARE_GPU_TIMEOUT });
  // The losses, D's two mean outputs and both gradient norms (the page charts them).
  assert.equal(resumed.length, 6);
  for (const [i, v] of resumed.entries()) {
    assert.ok(Math.abs(v - uninterrupted[i]) <= 1e-5 * Math.max(1, Math.abs(v)), `value ${i}: ${resumed} vs ${uninterrupted}`);
  }
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('training on WebGPU, the next step sent before the last one is read: every step shown once, in order, and a pause loses none', async () => {
  const { app, page, context, errors } = await openGpu();
  // Every step the page shows, as it shows it.
  await page.evaluate(() => {
    window.shownSteps = [];
    new MutationObserver(() => {
      const step = Number(/^(\d+) /.exec(document.querySelector('[data-testid="losses"]')?.dataset.exact ?? '')?.[1] ?? -1);
      if (step >= 0 && window.shownSteps.at(-1) !== step) window.shownSteps.push(step);
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-exact'] });
  });
  // Steps already on the device when Pause came are still reported; trainTo waits until the
  // worker's step loop has ended.
  const paused = await app.trainTo(4);
  const last = await app.step();
  assert.ok(last >= paused && last <= paused + 2, `at most the step running and the one sent ahead come after Pause: ${paused} → ${last}`);
  // The model is at the last step shown: one more step is the next one.
  await page.click('[data-testid="step"]');
  await app.waitForStep({ atLeast: last + 1 });
  assert.equal(await app.step(), last + 1);
  await page.waitForSelector(`[data-testid="samples"][data-step="${last + 1}"]`, { timeout: SOFTWARE_GPU_TIMEOUT });
  const shown = await page.evaluate(() => window.shownSteps);
  console.log(`# WebGPU training: steps shown ${shown.join(',')}, paused at ${paused}; ${await page.textContent('[data-testid="stats"]')}`);
  assert.deepEqual(shown, shown.map((_, i) => shown[0] + i), 'each step shown once, in order');
  assert.equal(shown.at(-1), last + 1);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the game\'s views come from the model on WebGPU too', async () => {
  const { page, context, errors } = await openGpu();
  const version = () => page.$eval('[data-testid="verdict"]', (e) => Number(e.dataset.version));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="verdict"]')?.dataset.version) > 0, null, { timeout: SOFTWARE_GPU_TIMEOUT });
  const scores = () => page.$$eval('[data-testid^="score-"]', (s) => s.map((e) => Number(e.dataset.value)));
  assert.ok((await scores()).every((v) => Number.isFinite(v) && v >= 0 && v <= 1), 'BCE probabilities');
  const before = await version();
  await page.click('[data-testid="game-step-d"]');
  // The verdict of the step (a refresh of the grid still on its way may come first: it judged
  // the model before the step, so the step's verdict shows before → after against it).
  await page.waitForFunction((v) => {
    const verdict = document.querySelector('[data-testid="verdict"]');
    return Number(verdict?.dataset.version) > v && verdict?.dataset.judged === 'AfterStepD';
  }, before, { timeout: SOFTWARE_GPU_TIMEOUT });
  const shown = await page.$$eval('[data-testid="score-real"]', (s) => s.map((e) => e.dataset.before));
  assert.ok(shown.every((b) => b !== undefined), 'before → after on WebGPU');
  await page.click('[data-testid="generator-layer"]:nth-child(2) button');
  await page.waitForSelector('[data-testid="activations"][data-layer="1"] canvas', { timeout: SOFTWARE_GPU_TIMEOUT });
  await page.click('[data-testid="judged-real"] >> nth=0');
  await page.waitForSelector('[data-testid="neighbour"]', { timeout: SOFTWARE_GPU_TIMEOUT });
  assert.equal(await page.getAttribute('[data-testid="neighbour"] >> nth=0', 'data-distance'), '0');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the explorer draws on the WebGPU device, each slider move (latency printed, a generous bound)', async () => {
  const { page, context, errors } = await openGpu({ small: false });
  await page.waitForFunction(() => /Pretrained on emoji faces \(\d+ steps\)/.test(document.querySelector('[data-testid="explorer"]')?.textContent), null, { timeout: SOFTWARE_GPU_TIMEOUT });
  const drawn = () => page.$eval('[data-testid="preview"]', (c) => Number(c.dataset.drawn));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="preview"]')?.dataset.drawn) > 0, null, { timeout: SOFTWARE_GPU_TIMEOUT });
  // Measured once the page has loaded: the default model's first grid follows the first preview
  // and holds the software GPU for seconds (a real GPU, milliseconds).
  await page.waitForSelector('[data-testid="samples"][data-step]', { timeout: SOFTWARE_GPU_TIMEOUT });
  for (let i = 0; i < 6; i += 1) {
    const count = await drawn();
    await page.$eval(`[data-testid="z${i}"]`, (el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, 2.5 - i);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="preview"]')?.dataset.drawn) > n, count, { timeout: SOFTWARE_GPU_TIMEOUT });
  }
  const latencies = (await page.getAttribute('[data-testid="latency"]', 'data-latencies')).split(',').map(Number);
  assert.equal(latencies.length, 6);
  assert.ok(latencies.every(Number.isFinite));
  const sorted = [...latencies].sort((a, b) => a - b);
  // Only a broken path fails this (SwiftShader: 32 ms median measured); the 16 ms target on a real
  // GPU is the page bench's.
  assert.ok(sorted[3] <= 1000, `median slider-to-preview ${sorted[3]} ms`);
  console.log(`# slider to preview on WebGPU (${await page.textContent('[data-testid="device"]')}): median ${sorted[3].toFixed(1)} ms, max ${sorted[5].toFixed(1)} ms over 6 moves (target 16 ms on a real GPU)`);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('a lost GPU device: the page goes on on the CPU with the model and the images kept', async () => {
  const { page, context, errors } = await openGpu();
  await page.setInputFiles('[data-testid="file-input"]', ['red-ring.png', 'blue-ring.gif'].map((f) => join(fixtures, f)));
  await page.waitForFunction(() => document.querySelector('[data-testid="image-count"]')?.textContent === '2', null, { timeout: SOFTWARE_GPU_TIMEOUT });
  // A single step leaves a snapshot of the model in the page.
  const step = Number(await page.getAttribute('[data-testid="samples"]', 'data-step')) + 1;
  await page.click('[data-testid="step"]');
  await page.waitForSelector(`[data-testid="samples"][data-step="${step}"]`, { timeout: SOFTWARE_GPU_TIMEOUT });
  await page.waitForSelector(`[data-testid="train-panel"][data-snapshot-step="${step}"]`, { state: 'attached', timeout: SOFTWARE_GPU_TIMEOUT });
  await page.click('[data-testid="simulate-loss"]');
  await page.waitForSelector('[data-testid="device-lost"]');
  assert.match(await page.textContent('[data-testid="device-lost"]'), new RegExp(`lost .*last snapshot in memory \\(step ${step}\\)`));
  await page.click('[data-testid="recover-cpu"]');
  await page.waitForFunction(() => /CPU/.test(document.querySelector('[data-testid="device"]')?.textContent), null, { timeout: SOFTWARE_GPU_TIMEOUT });
  await page.waitForSelector(`[data-testid="samples"][data-step="${step}"]`, { timeout: SOFTWARE_GPU_TIMEOUT });
  await page.waitForFunction(() => document.querySelector('[data-testid="image-count"]')?.textContent === '2', null, { timeout: SOFTWARE_GPU_TIMEOUT });
  assert.match(await page.textContent('[data-testid="dataset"]'), /Your images \(2 images\)/);
  // Training goes on from the restored step.
  await page.click('[data-testid="step"]');
  await page.waitForSelector(`[data-testid="samples"][data-step="${step + 1}"]`, { timeout: SOFTWARE_GPU_TIMEOUT });
  await screenshot(page, 'device-lost-recovered');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
