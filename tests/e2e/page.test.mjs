// The page as a user meets it, on the CPU device (`?cpu`): built-in data, training, files,
// checkpoints, and the main thread while training. Each test opens its own page in a fresh
// browser context, so none depends on another's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { useBrowser, canvasFingerprint, screenshot, fixtures } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();

/** A fresh page on the CPU device, its first grid drawn; `errors` collects console errors. */
async function openCpuPage(query = '') {
  const { context, errors } = await session.freshContext();
  const app = await Playground.open(context, `${session.server.url}?cpu${query}`);
  await app.ready();
  return { app, context, errors };
}

test('opens on the CPU device with a built-in dataset and trains a step', async () => {
  const { app, context, errors } = await openCpuPage();
  assert.match(await app.waitForDevice(/CPU/), /CPU \(WebAssembly, relaxed SIMD\)/);
  assert.match(await app.dataset(), /Rings .*\(512 images\)/);
  // The untrained generator's samples are drawn as soon as the model exists.
  assert.equal(await app.gridStep(), 0);
  const before = await canvasFingerprint(app.page, 'samples');
  await app.stepOnce();
  const losses = await app.losses();
  assert.equal(losses.length, 4, `four finite values: ${losses}`);
  assert.ok(losses.every(Number.isFinite));
  await app.page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: 180_000 });
  assert.notEqual(await canvasFingerprint(app.page, 'samples'), before, 'the samples changed after a step');
  await screenshot(app.page, 'after-one-step');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the sample grid exports as a PNG of the grid (encoded by the canvas)', async () => {
  const { app, context } = await openCpuPage();
  const { name, bytes: png } = await app.exportGrid();
  assert.match(name, /^samples-step\d+\.png$/);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG signature');
  // IHDR: width and height, big-endian, at bytes 16 and 20 — the grid canvas's size.
  const size = await app.gridSize();
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], size);
  assert.ok(size[0] > 64, `a whole grid, not one tile: ${size}`);
  await context.close();
});

test('user files: good ones join the grid, each bad one is listed with its reason', async () => {
  const { app, context } = await openCpuPage();
  const good = ['red-ring.png', 'green-square.jpg', 'blue-ring.gif', 'yellow-square.webp', 'purple-ring.bmp'];
  const bad = {
    'notes.txt': /not an image/,
    'empty.png': /empty/,
    'truncated.png': /corrupt or truncated/,
    'absurd-dimensions.png': /100000×100000/,
  };
  await app.pickImages([...good, ...Object.keys(bad)].map((f) => join(fixtures, f)));
  const items = await app.rejected(4);
  for (const [name, reason] of Object.entries(bad)) {
    const line = items.find((t) => t.startsWith(name));
    assert.ok(line, `${name} is listed: ${items}`);
    assert.match(line, reason);
  }
  await app.page.waitForFunction(() => document.querySelector('[data-testid="image-count"]')?.textContent === '5', null, { timeout: 60_000 });
  await app.page.waitForFunction(() => /Your images \(5 images\)/.test(document.querySelector('[data-testid="dataset"]').textContent));
  assert.equal(await app.thumbnailCount(), 5);
  await screenshot(app.page, 'user-files');
  await context.close();
});

test('a malformed checkpoint gets a message and the model stays', async () => {
  const { app, context } = await openCpuPage();
  await app.stepOnce();
  const values = await app.exactValues();
  await app.loadCheckpoint(join(fixtures, 'notes.txt'));
  assert.match(await app.error(), /checkpoint not loaded: not a GAN Playground checkpoint/);
  assert.equal(await app.step(), 1, 'the model and its step count are unchanged');
  assert.equal(await app.exactValues(), values);
  await app.dismissError();
  // And it still trains on from there.
  await app.stepOnce();
  assert.equal(await app.step(), 2);
  await context.close();
});

test('training keeps the main thread free (long tasks)', async () => {
  const { app, context } = await openCpuPage();
  const since = await app.recordLongTasks();
  await app.train();
  await app.waitForStep({ atLeast: 6 });
  await app.pause();
  const longest = await app.longestTask(since);
  console.log(`# longest main-thread task while training on the CPU device: ${longest.toFixed(0)} ms`);
  // The Long Tasks API reports only tasks over 50 ms (measured here: none). A loaded 2-core
  // machine can stretch a task past that; 100 ms is the budget within which a response to input
  // still feels immediate (RAIL), so that is the bound.
  assert.ok(longest <= 100, `a main-thread task took ${longest} ms`);
  await screenshot(app.page, 'trained');
  await context.close();
});

test('500 photos load with progress while the page stays responsive', async () => {
  const { app, context } = await openCpuPage();
  const photo = await readFile(join(fixtures, 'green-square.jpg'));
  const files = Array.from({ length: 500 }, (_, i) => ({ name: `photo-${i}.jpg`, mimeType: 'image/jpeg', buffer: photo }));
  await app.recordLongTasks();
  await app.page.evaluate(() => {
    window.__sawProgress = false;
    new MutationObserver(() => { if (document.querySelector('[data-testid="loading"]')) window.__sawProgress = true; })
      .observe(document.body, { subtree: true, childList: true });
  });
  const started = Date.now();
  await app.pickImages(files);
  // Handing 500 files to the page is itself one long task of the test driver (DevTools
  // protocol); the page's own work is what runs after it.
  const handed = await app.page.evaluate(() => performance.now());
  await app.page.waitForFunction(() => document.querySelector('[data-testid="image-count"]')?.textContent === '500', null, { timeout: 180_000 });
  const seconds = (Date.now() - started) / 1000;
  const longest = await app.longestTask(handed);
  console.log(`# 500 photos loaded in ${seconds.toFixed(1)} s; longest main-thread task meanwhile: ${longest.toFixed(0)} ms`);
  assert.ok(await app.page.evaluate(() => window.__sawProgress), 'a progress bar was shown');
  assert.ok(longest <= 100, `a main-thread task took ${longest} ms while loading`);
  await context.close();
});

test('no request leaves the origin', async () => {
  const { context, errors } = await session.freshContext();
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const app = await Playground.open(context, `${session.server.url}?cpu`);
  await app.ready();
  await app.previewDrawn();
  await app.stepOnce();
  await app.pickImages([join(fixtures, 'red-ring.png')]);
  await app.page.waitForFunction(() => document.querySelector('[data-testid="image-count"]')?.textContent === '1', null, { timeout: 60_000 });
  const origin = new URL(session.server.url).origin;
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  assert.ok(requests.some((u) => u.endsWith('/worker_cpu_relaxed_bg.wasm')), 'the CPU worker was loaded');
  assert.deepEqual(errors.filter((e) => !/favicon/.test(e)), [], 'no console errors');
  await context.close();
});
