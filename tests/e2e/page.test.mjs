// The page as a user meets it, on the CPU device (`?cpu`): built-in data, training, files,
// checkpoints, the network, and the main thread while training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { usePage, canvasFingerprint, screenshot, fixtures } from './harness.mjs';

const session = usePage('?cpu');

const text = (testid) => session.page.textContent(`[data-testid="${testid}"]`);
const TRAINING_TIMEOUT = 180_000;

test('opens on the CPU device with a built-in dataset and trains a step', async () => {
  const { page } = session;
  await page.waitForFunction(() => document.querySelector('[data-testid="device"]')?.textContent.includes('CPU'));
  assert.match(await text('device'), /CPU \(WebAssembly\)/);
  assert.match(await text('dataset'), /Rings .*\(512 images\)/);
  // The untrained generator's samples are drawn as soon as the model exists.
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TRAINING_TIMEOUT });
  const before = await canvasFingerprint(page, 'samples');
  await page.click('[data-testid="step"]');
  await page.waitForFunction(() => /step 1 /.test(document.querySelector('[data-testid="stats"]').textContent), null, { timeout: TRAINING_TIMEOUT });
  const losses = await text('losses');
  const numbers = [...losses.matchAll(/(-?\d+\.\d+)/g)].map((m) => Number(m[1]));
  assert.equal(numbers.length, 4, `four finite values in "${losses}"`);
  assert.ok(numbers.every(Number.isFinite));
  await page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: TRAINING_TIMEOUT });
  assert.notEqual(await canvasFingerprint(page, 'samples'), before, 'the samples changed after a step');
  await screenshot(page, 'after-one-step');
});

test('the sample grid exports as a PNG of the grid (encoded by the canvas)', async () => {
  const { page } = session;
  await page.waitForSelector('[data-testid="samples"][data-step]', { timeout: TRAINING_TIMEOUT });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-grid"]')]);
  assert.match(download.suggestedFilename(), /^samples-step\d+\.png$/);
  const png = await readFile(await download.path());
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG signature');
  // IHDR: width and height, big-endian, at bytes 16 and 20 — the grid canvas's size.
  const size = await page.$eval('[data-testid="samples"]', (c) => [c.width, c.height]);
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], size);
  assert.ok(size[0] > 64, `a whole grid, not one tile: ${size}`);
});

test('user files: good ones join the grid, each bad one is listed with its reason', async () => {
  const { page } = session;
  const good = ['red-ring.png', 'green-square.jpg', 'blue-ring.gif', 'yellow-square.webp', 'purple-ring.bmp'];
  const bad = {
    'notes.txt': /not an image/,
    'empty.png': /empty/,
    'truncated.png': /corrupt or truncated/,
    'absurd-dimensions.png': /100000×100000/,
  };
  await page.setInputFiles('[data-testid="file-input"]', [...good, ...Object.keys(bad)].map((f) => join(fixtures, f)));
  await page.waitForFunction(() => document.querySelector('[data-testid="image-count"]')?.textContent === '5', null, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="rejected"] li').length === 4, null, { timeout: 60_000 });
  const items = await page.$$eval('[data-testid="rejected"] li', (li) => li.map((x) => x.textContent));
  for (const [name, reason] of Object.entries(bad)) {
    const line = items.find((t) => t.startsWith(name));
    assert.ok(line, `${name} is listed: ${items}`);
    assert.match(line, reason);
  }
  await page.waitForFunction(() => /Your images \(5 images\)/.test(document.querySelector('[data-testid="dataset"]').textContent));
  assert.equal(await page.$$eval('.thumbs canvas', (c) => c.length), 5);
  await screenshot(page, 'user-files');
});

test('a malformed checkpoint gets a message and the model stays', async () => {
  const { page } = session;
  const stats = await text('stats');
  await page.setInputFiles('[data-testid="checkpoint-input"]', join(fixtures, 'notes.txt'));
  await page.waitForSelector('[data-testid="error"]');
  assert.match(await text('error'), /checkpoint not loaded: not a GAN Playground checkpoint/);
  assert.equal(await text('stats'), stats, 'the model and its step count are unchanged');
  await page.click('[data-testid="error"] button');
});

test('training keeps the main thread free (long tasks)', async () => {
  const { page } = session;
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask', buffered: false });
  });
  await page.click('[data-testid="train"]');
  await page.waitForFunction(() => {
    const m = /step (\d+) /.exec(document.querySelector('[data-testid="stats"]').textContent);
    return m && Number(m[1]) >= 6;
  }, null, { timeout: TRAINING_TIMEOUT });
  await page.click('[data-testid="pause"]');
  const longest = await page.evaluate(() => Math.max(0, ...window.__longTasks));
  console.log(`# longest main-thread task while training on the CPU device: ${longest.toFixed(0)} ms`);
  assert.ok(longest <= 50, `a main-thread task took ${longest} ms`);
  await screenshot(page, 'trained');
});

test('500 photos load with progress while the page stays responsive', async () => {
  const { page } = session;
  await page.click('text=Clear all');
  await page.waitForFunction(() => !document.querySelector('[data-testid="image-count"]'));
  const photo = await readFile(join(fixtures, 'green-square.jpg'));
  const files = Array.from({ length: 500 }, (_, i) => ({ name: `photo-${i}.jpg`, mimeType: 'image/jpeg', buffer: photo }));
  await page.evaluate(() => {
    window.__loadTasks = [];
    window.__sawProgress = false;
    new PerformanceObserver((list) => window.__loadTasks.push(...list.getEntries().map((e) => [e.startTime, e.duration])))
      .observe({ type: 'longtask', buffered: false });
    new MutationObserver(() => { if (document.querySelector('[data-testid="loading"]')) window.__sawProgress = true; })
      .observe(document.body, { subtree: true, childList: true });
  });
  const started = Date.now();
  await page.setInputFiles('[data-testid="file-input"]', files);
  // Handing 500 files to the page is itself one long task of the test driver (DevTools
  // protocol); the page's own work is what runs after it.
  const handed = await page.evaluate(() => performance.now());
  await page.waitForFunction(() => document.querySelector('[data-testid="image-count"]')?.textContent === '500', null, { timeout: TRAINING_TIMEOUT });
  const seconds = (Date.now() - started) / 1000;
  const longest = await page.evaluate((after) => Math.max(0, ...window.__loadTasks.filter(([start]) => start >= after).map(([, d]) => d)), handed);
  console.log(`# 500 photos loaded in ${seconds.toFixed(1)} s; longest main-thread task meanwhile: ${longest.toFixed(0)} ms`);
  assert.ok(await page.evaluate(() => window.__sawProgress), 'a progress bar was shown');
  assert.ok(longest <= 100, `a main-thread task took ${longest} ms while loading`);
});

test('no request leaves the origin', async () => {
  const origin = new URL(session.server.url).origin;
  const foreign = session.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  assert.ok(session.requests.some((u) => u.endsWith('worker_cpu_bg.wasm')), 'the CPU worker was loaded');
  assert.deepEqual(session.errors.filter((e) => !/favicon/.test(e)), [], 'no console errors');
});
