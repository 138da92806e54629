// Which device trains, as a user meets it in headless Chromium here, whose only WebGPU adapter
// is SwiftShader (a software emulation, ≈24× slower than the CPU path): the page picks the CPU
// and says why; the device control moves the model and the data to WebGPU and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, setField } from './harness.mjs';

// Each test opens its own page in a fresh browser context, so none depends on another's state.
const session = useBrowser();
const TIMEOUT = 300_000;

/** A fresh page at the default address (the page chooses the device). */
async function openDefault() {
  const { context, errors } = await session.freshContext();
  const page = await context.newPage();
  await page.goto(session.server.url);
  return { page, context, errors };
}

const device = (page) => page.textContent('[data-testid="device"]');
const stepOfGrid = (page) => page.$eval('[data-testid="samples"]', (c) => Number(c.dataset.step));

test('a software WebGPU adapter loses to the CPU, with the reason', async () => {
  const { page, context, errors } = await openDefault();
  await page.waitForFunction(() => /Training on/.test(document.querySelector('[data-testid="device"]')?.textContent), null, { timeout: TIMEOUT });
  const line = await device(page);
  assert.match(line, /Training on the CPU \(WebAssembly\): the only WebGPU adapter \(.*swiftshader.*\) is a software emulation \(swiftshader\); the CPU is faster here/, line);
  assert.match(await page.textContent('[data-testid="switch-device"]'), /Try WebGPU instead/);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the device control moves the model and the images to WebGPU and back', async () => {
  const { page, context, errors } = await openDefault();
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
  // A small model: the software GPU's steps stay short.
  await page.click('[data-testid="hyper-parameters"]');
  await setField(page, 'width', 8);
  await setField(page, 'batch-size', 4);
  await page.click('[data-testid="apply"]');
  await page.waitForSelector('[data-testid="step"]:not([disabled])');
  for (let i = 1; i <= 2; i += 1) {
    await page.click('[data-testid="step"]');
    await page.waitForSelector(`[data-testid="samples"][data-step="${i}"]`, { timeout: TIMEOUT });
  }
  const dataset = await page.textContent('[data-testid="dataset"]');

  await page.click('[data-testid="switch-device"]');
  await page.waitForFunction(() => /Training on your GPU \(WebGPU/.test(document.querySelector('[data-testid="device"]')?.textContent), null, { timeout: TIMEOUT });
  assert.match(page.url(), /\?gpu(#|$)/, 'the address keeps the choice');
  await page.waitForSelector('[data-testid="samples"][data-step="2"]', { timeout: TIMEOUT });
  assert.equal(await page.textContent('[data-testid="dataset"]'), dataset, 'the same data');
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="samples"][data-step="3"]', { timeout: TIMEOUT });

  await page.click('[data-testid="switch-device"]');
  await page.waitForFunction(() => /Training on the CPU/.test(document.querySelector('[data-testid="device"]')?.textContent), null, { timeout: TIMEOUT });
  await page.waitForSelector('[data-testid="samples"][data-step="3"]', { timeout: TIMEOUT });
  assert.equal(await stepOfGrid(page), 3, 'the model kept its step');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
