// The latent explorer as a user meets it, on the CPU device (`?cpu`): the pretrained generator
// at once, sliders, interpolation, principal directions, exports, and the link that restores it.
// Each test opens its own page in a fresh browser context, so none depends on another's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, canvasFingerprint, screenshot, gifFrames } from './harness.mjs';

const session = useBrowser();
const TIMEOUT = 120_000;

const drawn = (page) => page.$eval('[data-testid="preview"]', (c) => Number(c.dataset.drawn));

/** Waits until the preview has been drawn more than `count` times and no render is running or
 * waiting (a coalesced last position may still be on its way when one is drawn). */
async function waitDrawn(page, count) {
  // Null-safe: a page just opened may not have mounted the preview yet.
  await page.waitForFunction((n) => {
    const preview = document.querySelector('[data-testid="preview"]');
    return Number(preview?.dataset.drawn) > n && preview?.dataset.pending === 'false';
  }, count, { timeout: TIMEOUT });
}

/** A fresh page on the CPU device, loaded: the pretrained preview drawn, then the training
 * model's first grid (the worker draws it after the preview). */
async function openExplorer() {
  const { context, errors } = await session.freshContext();
  const page = await context.newPage();
  await page.goto(`${session.server.url}?cpu`);
  await waitDrawn(page, 0);
  await page.waitForSelector('[data-testid="samples"][data-step]', { timeout: TIMEOUT });
  return { page, context, errors };
}

/** Moves a range input as a user's drag does: sets the value and fires `input`. */
async function slide(page, testid, value) {
  await page.$eval(`[data-testid="${testid}"]`, (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

test('the pretrained generator is there at once, and a z slider changes the preview', async () => {
  const { page, context, errors } = await openExplorer();
  await page.waitForFunction(() => /Pretrained on emoji faces \(\d+ steps\)/.test(document.querySelector('[data-testid="explorer"]')?.textContent), null, { timeout: TIMEOUT });
  await waitDrawn(page, 0);
  assert.equal(await page.$$eval('[data-testid="z-sliders"] input', (s) => s.length), 64, 'a slider per dimension');
  const before = await canvasFingerprint(page, 'preview');
  const count = await drawn(page);
  await slide(page, 'z3', 2.9);
  await waitDrawn(page, count);
  assert.notEqual(await canvasFingerprint(page, 'preview'), before, 'the preview changed');
  await screenshot(page, 'explorer');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('each slider move redraws the preview (latency printed, a generous bound), and moves during a render are coalesced, not queued', async () => {
  const { page, context, errors } = await openExplorer();
  for (let i = 0; i < 20; i += 1) {
    const count = await drawn(page);
    await slide(page, `z${i % 64}`, ((i % 7) - 3) * 0.8);
    await waitDrawn(page, count);
  }
  const latencies = (await page.getAttribute('[data-testid="latency"]', 'data-latencies')).split(',').map(Number);
  assert.ok(latencies.length >= 20 && latencies.every(Number.isFinite), `${latencies}`);
  // The 50 ms target is the page bench's; this bound only catches a broken path (a render per
  // queued position, or one waiting on a timer): measured 6 ms median here.
  const median = [...latencies].sort((x, y) => x - y)[latencies.length >> 1];
  assert.ok(median <= 250, `median slider-to-preview ${median} ms`);
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`# slider to preview on the CPU device (pretrained emoji faces, not training): median ${sorted[sorted.length >> 1].toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms over ${sorted.length} moves (target 50 ms)`);

  // 40 positions in one burst: at most one render runs and one waits, so only a few are drawn,
  // and the last drawn is the last position.
  const count = await drawn(page);
  await page.$eval('[data-testid="z7"]', (el) => {
    for (let i = 0; i < 40; i += 1) {
      el.value = String(-2 + i * 0.1);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  await waitDrawn(page, count);
  const renders = (await drawn(page)) - count;
  assert.ok(renders >= 1 && renders <= 3, `${renders} renders for 40 moves`);
  const last = await canvasFingerprint(page, 'preview');
  // The last drawn image is the last position's: leave it and come back.
  let n = await drawn(page);
  await slide(page, 'z7', 0);
  await waitDrawn(page, n);
  assert.notEqual(await canvasFingerprint(page, 'preview'), last);
  n = await drawn(page);
  await slide(page, 'z7', 1.9);
  await waitDrawn(page, n);
  assert.equal(await canvasFingerprint(page, 'preview'), last, 'the burst ended on its last position');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the strip has the asked frames; slerp keeps their norms where lerp dips', async () => {
  const { page, context, errors } = await openExplorer();
  await page.fill('[data-testid="frames"]', '10');
  await page.dispatchEvent('[data-testid="frames"]', 'change');
  await page.waitForSelector('[data-testid="strip"][data-frames="10"]', { timeout: TIMEOUT });
  const norms = () => page.$$eval('[data-testid="strip-frame"]', (c) => c.map((x) => Number(x.dataset.norm)));
  const slerp = await norms();
  assert.equal(slerp.length, 10);
  const [a, b] = [slerp[0], slerp.at(-1)];
  slerp.forEach((n, i) => {
    const expected = a + (b - a) * (i / 9);
    assert.ok(Math.abs(n - expected) < 1e-3 * Math.max(a, b), `slerp frame ${i}: |z| ${n}, expected ${expected}`);
  });
  await page.click('[data-testid="mode-lerp"]');
  await page.waitForFunction((first) => {
    const frames = [...document.querySelectorAll('[data-testid="strip-frame"]')];
    return frames.length === 10 && Number(frames[4].dataset.norm) < first;
  }, slerp[4], { timeout: TIMEOUT });
  const lerp = await norms();
  assert.ok(lerp[4] < 0.9 * slerp[4], `lerp dips in the middle: ${lerp[4]} vs ${slerp[4]}`);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the GIF export is a valid multi-frame GIF; the PNG exports are PNGs', async () => {
  const { page, context, errors } = await openExplorer();
  const save = async (testid) => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.click(`[data-testid="${testid}"]`)]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  };
  await page.fill('[data-testid="frames"]', '10');
  await page.dispatchEvent('[data-testid="frames"]', 'change');
  await page.waitForSelector('[data-testid="strip"][data-frames="10"]', { timeout: TIMEOUT });
  const gif = await save('export-gif');
  assert.match(gif.name, /\.gif$/);
  assert.equal(gifFrames(gif.bytes), 10 + 8, 'ten frames there and eight back');
  for (const testid of ['export-png', 'export-strip']) {
    const png = await save(testid);
    assert.deepEqual([...png.bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], `${png.name} is a PNG`);
  }
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('principal directions: ten sliders that move the preview', async () => {
  const { page, context, errors } = await openExplorer();
  await page.click('[data-testid="compute-directions"]');
  await page.waitForSelector('[data-testid="pc9"]', { timeout: TIMEOUT });
  const before = await canvasFingerprint(page, 'preview');
  const count = await drawn(page);
  await slide(page, 'pc0', 2.5);
  await waitDrawn(page, count);
  assert.notEqual(await canvasFingerprint(page, 'preview'), before);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the link restores the same z and the same image', async () => {
  const { page, context, errors } = await openExplorer();
  const { server } = session;
  const count = await drawn(page);
  await slide(page, 'z3', 1.7);
  await waitDrawn(page, count);
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /z=[A-Za-z0-9_-]{171}/);
  const image = await canvasFingerprint(page, 'preview');
  const other = await context.newPage();
  await other.goto(`${server.url}?cpu${hash}`);
  await waitDrawn(other, 0);
  assert.equal(await other.evaluate(() => location.hash), hash, 'the same view');
  assert.equal(await canvasFingerprint(other, 'preview'), image, 'the same image');
  await other.close();
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('a malformed link falls back to defaults with a message; hide flags hide panels', async () => {
  const { context, errors } = await session.freshContext();
  const { server } = session;
  const other = await context.newPage();
  await other.goto(`${server.url}?cpu#z=%%%&t=7&hide=data,train,live`);
  await other.waitForSelector('[data-testid="link-message"]');
  const message = await other.textContent('[data-testid="link-message"]');
  assert.match(message, /could not be read/);
  assert.match(message, /base64/);
  assert.match(message, /from 0 to 1/);
  await waitDrawn(other, 0);
  for (const testid of ['file-input', 'train', 'samples']) {
    assert.equal(await other.isVisible(`[data-testid="${testid}"]`), false, `${testid} is hidden`);
  }
  assert.ok(await other.isVisible('[data-testid="preview"]'));
  await screenshot(other, 'explorer-projector');
  await other.close();
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('clicking a tile of the live grid explores its z with the training model', async () => {
  const { page, context, errors } = await openExplorer();
  await page.waitForSelector('[data-testid="samples"][data-step]', { timeout: TIMEOUT });
  const scale = await page.$eval('[data-testid="samples"]', (c) => c.getBoundingClientRect().width / c.width);
  // Tile 10: row 1, column 2; tiles are 32 pixels with a 2-pixel border.
  const count = await drawn(page);
  await page.click('[data-testid="samples"]', { position: { x: (2 + 2 * 34 + 16) * scale, y: (2 + 34 + 16) * scale } });
  await waitDrawn(page, count);
  assert.ok(await page.isChecked('[data-testid="source-training"]'));
  const diff = await page.evaluate(() => {
    const grid = document.querySelector('[data-testid="samples"]').getContext('2d').getImageData(2 + 2 * 34, 2 + 34, 32, 32).data;
    const preview = document.querySelector('[data-testid="preview"]').getContext('2d').getImageData(0, 0, 32, 32).data;
    let worst = 0;
    for (let i = 0; i < grid.length; i += 1) worst = Math.max(worst, Math.abs(grid[i] - preview[i]));
    return worst;
  });
  // The z in the link is rounded to thousandths: a level or two of difference at most.
  assert.ok(diff <= 3, `the preview is the tile (largest difference ${diff} levels)`);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('while training, a slider move is drawn within about one train step', async () => {
  const { page, context, errors } = await openExplorer();
  await page.click('[data-testid="train"]');
  await page.waitForFunction(() => /step [2-9]\d* /.test(document.querySelector('[data-testid="stats"]').textContent), null, { timeout: TIMEOUT });
  for (let i = 0; i < 8; i += 1) {
    const count = await drawn(page);
    await slide(page, `z${20 + i}`, 2.2 - i * 0.5);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="preview"]')?.dataset.drawn) > n, count, { timeout: TIMEOUT });
  }
  const stats = await page.textContent('[data-testid="stats"]');
  await page.click('[data-testid="pause"]');
  const stepMs = Number(/(\d+) ms per step/.exec(stats)[1]);
  const latencies = (await page.getAttribute('[data-testid="latency"]', 'data-latencies')).split(',').map(Number).slice(-8);
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`# slider to preview while training on the CPU device (${stepMs} ms per step): median ${sorted[4].toFixed(0)} ms, max ${sorted[7].toFixed(0)} ms`);
  // A move waits for the running step (≈ one step at worst); half a step more absorbs the noise of
  // this shared box (the step time is the last one, not every one).
  assert.ok(sorted[4] <= 1.5 * stepMs + 150, `median ${sorted[4]} ms with ${stepMs} ms steps`);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
