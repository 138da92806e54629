// Which device trains, as a user meets it in headless Chromium here, whose only WebGPU adapter
// is SwiftShader (a software emulation, ≈24× slower than the CPU path): the page picks the CPU
// and says why; the device control moves the model and the data to WebGPU and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { useBrowser, setField, root } from './harness.mjs';
import { Playground } from './playground.mjs';

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
const stepLine = (page) => page.$eval('[data-testid="stats"]', (p) => Number(/step (\d+) /.exec(p.textContent)?.[1] ?? -1));
const stepOfGrid = (page) => page.$eval('[data-testid="samples"]', (c) => Number(c.dataset.step));

test('a software WebGPU adapter loses to the CPU, with the reason', async () => {
  const { page, context, errors } = await openDefault();
  await page.waitForFunction(() => /Training on/.test(document.querySelector('[data-testid="device"]')?.textContent), null, { timeout: TIMEOUT });
  const line = await device(page);
  assert.match(line, /Training on the CPU \(WebAssembly, relaxed SIMD\): the only WebGPU adapter \(.*swiftshader.*\) is a software emulation \(swiftshader\); the CPU is faster here/, line);
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
  assert.equal(await stepLine(page), 2, 'the step line goes on (the new worker\'s own first model is not shown)');
  assert.equal(await page.textContent('[data-testid="dataset"]'), dataset, 'the same data');
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="samples"][data-step="3"]', { timeout: TIMEOUT });
  const history = await page.textContent('[data-testid="chart-text"]');
  assert.match(history, /^At step 3: [^(]+\(from -?[\d.]+ at step 1,/, 'the loss history goes on from step 1');

  await page.click('[data-testid="switch-device"]');
  await page.waitForFunction(() => /Training on the CPU/.test(document.querySelector('[data-testid="device"]')?.textContent), null, { timeout: TIMEOUT });
  await page.waitForSelector('[data-testid="samples"][data-step="3"]', { timeout: TIMEOUT });
  assert.equal(await stepOfGrid(page), 3, 'the model kept its step');
  assert.equal(await stepLine(page), 3, 'and the step line with it');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

// Two programs of the CPU worker (issue 12, part 6): relaxed SIMD's multiply-add makes the GEMM
// ≈9 % faster, but a module that uses it does not compile in an engine without relaxed SIMD.
for (const relaxedSimd of [true, false]) {
  const build = relaxedSimd ? 'worker_cpu_relaxed' : 'worker_cpu';
  test(`a browser ${relaxedSimd ? 'with' : 'without'} relaxed SIMD trains on ${build}, and the page says which`, async () => {
    const { context, errors } = await session.freshContext();
    const requested = [];
    // What the page and its workers fetch; the service worker keeps its own choice (the offline
    // tests check that one), and cannot be shown a browser without relaxed SIMD.
    context.on('request', (r) => {
      if (!r.serviceWorker()) requested.push(new URL(r.url()).pathname.split('/').pop());
    });
    const app = await Playground.open(context, `${session.server.url}?cpu`, { relaxedSimd });
    await app.ready();
    await app.stepOnce();
    await app.stepOnce();
    const line = await app.device();
    if (relaxedSimd) assert.match(line, /^Training on the CPU \(WebAssembly, relaxed SIMD\): /, line);
    else assert.match(line, /^Training on the CPU \(WebAssembly\): /, line);
    const workers = [...new Set(requested.filter((name) => /^worker.*_bg\.wasm$/.test(name)))];
    assert.deepEqual(workers, [`${build}_bg.wasm`], 'only the CPU worker for this browser is fetched');
    const losses = await app.losses();
    assert.ok(losses.length === 4 && losses.every(Number.isFinite), `the losses after two steps: ${losses}`);
    assert.deepEqual(errors, [], 'no console errors');
    await context.close();
  });
}

// Both CPU workers are one cargo build; only what `worker_cpu_relaxed`'s entry point reaches
// brings relaxed SIMD into a module (wasm-ld drops the rest). The page's probe decides which one
// a browser loads, so `worker_cpu` must compile where relaxed SIMD is missing: each built module,
// compiled by this Node's V8 with relaxed SIMD switched off, then on.
test('worker_cpu compiles in an engine without relaxed SIMD; worker_cpu_relaxed needs it', () => {
  const compiles = (build, relaxedSimd) => {
    const flag = relaxedSimd ? '--experimental-wasm-relaxed-simd' : '--no-experimental-wasm-relaxed-simd';
    const file = join(root, 'dist', `${build}_bg.wasm`);
    const run = spawnSync(process.execPath, [flag, '-e',
      `new WebAssembly.Module(require('fs').readFileSync(${JSON.stringify(file)}))`], { encoding: 'utf8' });
    return { ok: run.status === 0, why: run.stderr.split('\n').find((l) => /Error/.test(l)) ?? run.stderr };
  };
  for (const [build, compilesWithout] of [['worker_cpu', true], ['worker_cpu_relaxed', false]]) {
    const off = compiles(build, false);
    assert.equal(off.ok, compilesWithout, `${build} without relaxed SIMD: ${off.why}`);
    if (!compilesWithout) assert.match(off.why, /relaxed|invalid opcode|0xfd/i, `${build} fails for relaxed SIMD`);
    const on = compiles(build, true);
    assert.ok(on.ok, `${build} with relaxed SIMD: ${on.why}`);
  }
});
