// Where the adapter's name does not settle it, the page times both devices once a session and
// trains on the faster. `?measure` asks for the timing even on this machine's SwiftShader
// adapter, which the default page rules out by name (device.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './harness.mjs';

// Each test opens its own page in a fresh browser context (a fresh session storage), so none
// depends on another's state.
const session = useBrowser();
const TIMEOUT = 300_000;

/** A fresh page that times both devices. */
async function openMeasuring() {
  const { context, errors } = await session.freshContext();
  const page = await context.newPage();
  await page.goto(`${session.server.url}?measure`);
  return { page, context, errors };
}

/** The device line and the timing line, once the device is up. */
async function deviceLines(page) {
  // The CPU worker trains at once; the timing comes with the WebGPU worker, loaded meanwhile.
  await page.waitForSelector('[data-testid="device-measured"]', { timeout: TIMEOUT });
  return {
    device: await page.textContent('[data-testid="device"]'),
    measured: await page.textContent('[data-testid="device-measured"]'),
  };
}

const TIMING = /^the CPU is (over )?([\d.]+)× faster than WebGPU here: (\d+) ms per step on the CPU, (over )?(\d+) ms on WebGPU \(batch 16, measured (just now|earlier in this session)\)$/;

test('both devices are timed and the faster trains, with by how much', async (t) => {
  const { page, context, errors } = await openMeasuring();
  // Meanwhile, the page is already usable on the CPU worker.
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
  assert.match(await page.textContent('[data-testid="device"]'), /Training on the CPU/);
  const { device, measured } = await deviceLines(page);
  t.diagnostic(measured);
  assert.match(device, /Training on the CPU \(WebAssembly, relaxed SIMD\): measured faster than WebGPU on .*swiftshader/, device);
  const [, , ratio, cpu, , gpu, when] = measured.match(TIMING) ?? assert.fail(measured);
  assert.equal(when, 'just now');
  assert.ok(Number(cpu) > 0 && Number(gpu) > Number(cpu), measured);
  assert.ok(Math.abs(Number(ratio) - Number(gpu) / Number(cpu)) < 0.1, `the ratio is the times': ${measured}`);
  // The page trains on the device it chose.
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: TIMEOUT });
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('a reload in the same session keeps the timing instead of measuring again', async () => {
  const { page, context, errors } = await openMeasuring();
  const before = (await deviceLines(page)).measured;
  assert.match(before, /measured just now\)$/, before);
  await page.reload();
  const after = (await deviceLines(page)).measured;
  assert.match(after, / \(batch 16, measured earlier in this session\)$/, after);
  assert.equal(after.replace(/measured .*\)$/, ''), before.replace(/measured .*\)$/, ''), 'the same numbers');
  assert.match(await page.textContent('[data-testid="device"]'), /Training on the CPU/);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
