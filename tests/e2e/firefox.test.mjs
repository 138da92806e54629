// The page in Firefox ESR (issue 11), driven over WebDriver BiDi by puppeteer-core: it opens,
// says which device trains (Firefox ESR on Linux has no WebGPU: the CPU, with the reason),
// draws its first grid, trains a step, draws the explorer, refuses a bad file by name, and runs
// the 2-D lab (steps, training, D*, a drawing, a lesson step from a hash change).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { startServer, fixtures } from './harness.mjs';

const TIMEOUT = 180_000;
const session = {};

before(async () => {
  session.server = await startServer();
  session.browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
  });
  session.page = await session.browser.newPage();
  session.errors = [];
  session.page.on('console', (m) => { if (m.type() === 'error') session.errors.push(m.text()); });
  session.page.on('pageerror', (e) => session.errors.push(String(e)));
  await session.page.goto(session.server.url);
});

after(async () => {
  await session.browser?.close();
  await session.server?.close();
});

const text = (testid) => session.page.$eval(`[data-testid="${testid}"]`, (e) => e.textContent);

test('Firefox: the page says which device trains and why, and trains a step there', async () => {
  const { page } = session;
  await page.waitForFunction(() => /Training on/.test(document.querySelector('[data-testid="device"]')?.textContent), { timeout: TIMEOUT });
  const device = await text('device');
  const version = await session.browser.version();
  console.log(`# ${version}: ${device}`);
  // Firefox ESR on Linux ships without WebGPU: the CPU, and that reason. (A Firefox with WebGPU
  // would train there, or give the adapter's reason.)
  assert.match(device, /Training on (the CPU \(WebAssembly(, relaxed SIMD)?\): this browser has no WebGPU \(navigator\.gpu is missing\)|the CPU \(WebAssembly(, relaxed SIMD)?\): .*(adapter|WebGPU).*|your GPU \(WebGPU)/, device);
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: TIMEOUT });
  assert.match(await text('losses'), /D loss \d+\.\d+ · G loss \d+\.\d+/);
});

test('Firefox: the explorer draws the pretrained generator', async () => {
  const { page } = session;
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="preview"]')?.dataset.drawn) > 0, { timeout: TIMEOUT });
  assert.match(await text('explorer'), /Pretrained on emoji faces \(\d+ steps\)/);
});

test('Firefox: a bad file is refused with its reason, the good one loads', async () => {
  const { page } = session;
  const input = await page.$('[data-testid="file-input"]');
  await input.uploadFile(join(fixtures, 'notes.txt'), join(fixtures, 'red-ring.png'));
  await page.waitForSelector('[data-testid="rejected"] li', { timeout: TIMEOUT });
  assert.match(await text('rejected'), /notes\.txt.*not an image/);
  await page.waitForFunction(() => document.querySelector('[data-testid="image-count"]')?.textContent === '1', { timeout: TIMEOUT });
  assert.deepEqual(session.errors, [], 'no console errors');
});

test('Firefox: the 2-D lab trains on the CPU, draws D* beside D, takes a drawing, and its lesson steps follow a hash change', async () => {
  const { page } = session;
  const attribute = (selector, name) => page.$eval(selector, (e, n) => e.getAttribute(n), name);
  const frames = async () => Number(await attribute('[data-testid="lab"]', 'data-frames'));
  await page.click('[data-testid="lab-open"]');
  await page.waitForSelector('[data-testid="lab-plane"][data-step="0"]', { timeout: TIMEOUT });
  // Step D only, by hand: D comes to tell the data's points from G's.
  for (let i = 0; i < 10; i += 1) {
    const before = await frames();
    await page.click('[data-testid="lab-step-d"]');
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="lab"]').dataset.frames) > n, { timeout: TIMEOUT }, before);
  }
  const real = Number(await attribute('[data-testid="lab-plane"]', 'data-heat-real'));
  const fake = Number(await attribute('[data-testid="lab-plane"]', 'data-heat-fake'));
  assert.ok(real > fake + 0.05, `D at the data ${real}, at G's points ${fake}`);
  assert.ok(Number.isFinite(Number(await attribute('[data-testid="lab-optimum"]', 'data-gap'))), 'D* beside D');
  // Training: frames keep coming and G's step count climbs; then a pause.
  await page.click('[data-testid="lab-train"]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="lab-plane"]').dataset.step) >= 200, { timeout: TIMEOUT });
  await page.click('[data-testid="lab-pause"]');
  await page.waitForSelector('[data-testid="lab-train"]:not([disabled])', { timeout: TIMEOUT });
  assert.match(await text('theory-at-best'), /JS ≈ \d\.\d{3}/);
  // A drawing by pointer becomes the data.
  await page.click('[data-testid="lab-draw"]');
  await page.$eval('[data-testid="lab-plane"]', (canvas) => {
    const rect = canvas.getBoundingClientRect();
    const at = (fx, fy) => ({ clientX: rect.left + fx * rect.width, clientY: rect.top + fy * rect.height });
    const send = (kind, p, buttons) => canvas.dispatchEvent(new PointerEvent(kind, { ...p, pointerType: 'mouse', pointerId: 1, buttons, bubbles: true, isPrimary: true }));
    send('pointerdown', at(0.2, 0.2), 1);
    send('pointermove', at(0.3, 0.3), 1);
    send('pointermove', at(0.4, 0.35), 1);
    send('pointerup', at(0.4, 0.35), 0);
  });
  assert.equal(Number(await attribute('[data-testid="lab-drawn"]', 'data-count')), 3);
  await page.click('[data-testid="lab-use-drawing"]');
  await page.waitForSelector('[data-testid="lab-plane"][data-step="0"]', { timeout: TIMEOUT });
  // A slide's link to a 2-D step of the lesson: only the hash changes.
  await page.evaluate(() => { window.location.hash = 'lesson=2'; });
  await page.waitForSelector('[data-testid="lesson"][data-step="2"]', { timeout: TIMEOUT });
  assert.match(await text('lesson-prediction'), /Predict: D will now train alone/);
  assert.deepEqual(session.errors, [], 'no console errors');
});
