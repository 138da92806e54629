// The page in two workers (issue 10): it starts on the small CPU worker and is usable at once —
// built-in data, Train, the explorer's pretrained preview — while the WebGPU worker loads in
// the background; where that one trains on WebGPU it takes the run over, keeping the step, the
// data and the images. Here the only adapter is SwiftShader, which the page leaves to the CPU
// (device.test.mjs), so the test hook `handover` makes the WebGPU worker take over anyway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();

/** Records the page's main-thread long tasks (over 50 ms) from its first script on. */
function recordLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
}

test('usable on the CPU worker before the WebGPU one loads, which then takes the run over', async () => {
  const { context, errors } = await session.freshContext();
  await context.addInitScript(recordLongTasks);
  // Hold the WebGPU worker's module until the page has shown that it works without it.
  let release;
  const held = new Promise((ok) => { release = ok; });
  const fetched = [];
  context.on('requestfinished', (r) => fetched.push(new URL(r.url()).pathname));
  await context.route('**/worker_bg.wasm', async (route) => {
    await held;
    await route.continue();
  });

  const app = await Playground.open(context, `${session.server.url}?test-hooks&handover`);
  await app.ready();
  assert.match(await app.waitForDevice(/Training on the CPU/), /WebGPU \(.*\) is loading in the background/);
  await app.previewDrawn();
  await app.useTinyModel();
  await app.stepOnce();
  await app.stepOnce();
  assert.ok(!fetched.some((p) => p.endsWith('/worker_bg.wasm')), 'trained before the WebGPU worker arrived');
  const dataset = await app.dataset();

  const releasedAt = await app.page.evaluate(() => performance.now());
  release();
  await app.waitForDevice(/Training on your GPU \(WebGPU/);
  assert.equal(await app.gridStep(), 2, 'the grid still shows the model at its step');
  assert.equal(await app.dataset(), dataset, 'the same data');
  assert.doesNotMatch(app.page.url(), /[?&]gpu/, 'an automatic hand-over leaves the address as it was');
  assert.equal(await app.step(), 2, 'the step line goes on (the same run, not a new model)');
  // The explorer draws with the new worker (which loaded the shipped generator before the page
  // took it).
  await app.randomZ();
  assert.equal(await app.explorerProblem(), '');
  // The WebGPU worker's next step is step 3: it took the model over at its step.
  await app.stepOnce();
  await app.page.waitForSelector('[data-testid="samples"][data-step="3"]', { timeout: 300_000 });
  const tookOverAt = await app.page.evaluate(() => performance.now());
  assert.equal(await app.step(), 3);

  const longest = await app.page.evaluate(([from, to]) => Math.max(0, ...window.__longTasks
    .filter(([start, duration]) => start + duration >= from && start <= to).map(([, d]) => d)), [releasedAt, tookOverAt]);
  console.log(`# hand-over and a WebGPU step in ${((tookOverAt - releasedAt) / 1000).toFixed(1)} s; longest main-thread task meanwhile: ${longest.toFixed(0)} ms`);
  // Not "no long task" (50 ms): meanwhile SwiftShader compiles and runs the WebGPU worker's first
  // step on the same two cores, and a page task that needs a few ms stretches to 55 when it is
  // descheduled (seen twice under the full suite, never alone). 100 ms, as for 500 photos
  // (page.test.mjs), still fails a page that decodes or computes on its main thread.
  assert.ok(longest <= 100, `a main-thread task took ${longest} ms while the WebGPU worker loaded and took over`);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('with ?cpu the WebGPU worker is never fetched', async () => {
  const { context, errors } = await session.freshContext();
  const requested = [];
  context.on('request', (r) => requested.push(new URL(r.url()).pathname));
  const app = await Playground.open(context, `${session.server.url}?cpu`);
  await app.ready();
  await app.stepOnce();
  assert.match(await app.device(), /Training on the CPU \(WebAssembly, relaxed SIMD\): the CPU was chosen/);
  assert.ok(requested.some((p) => p.endsWith('/worker_cpu_relaxed_bg.wasm')));
  assert.ok(!requested.some((p) => p.endsWith('/worker_bg.wasm')), requested.join(' '));
  assert.deepEqual(errors, []);
  await context.close();
});
