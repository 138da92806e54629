// The page in Firefox ESR (issue 11), driven over WebDriver BiDi by puppeteer-core: it opens,
// says which device trains (Firefox ESR on Linux has no WebGPU: the CPU, with the reason),
// draws its first grid, trains a step, draws the explorer, and refuses a bad file by name.
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
  assert.match(device, /Training on (the CPU \(WebAssembly(, relaxed SIMD)?\): .{10,}|your GPU \(WebGPU)/, device);
  await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
  await page.click('[data-testid="step"]');
  await page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: TIMEOUT });
  assert.match(await text('losses'), /D loss \d+\.\d+ · G loss \d+\.\d+/);
});

test('Firefox: the explorer draws the pretrained generator', async () => {
  const { page } = session;
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="preview"]')?.dataset.drawn) > 0, { timeout: TIMEOUT });
  assert.match(await text('explorer'), /Pretrained on digits \(\d+ steps\)/);
});

test('Firefox: a bad file is refused with its reason, the good one loads', async () => {
  const { page } = session;
  const input = await page.$('[data-testid="file-input"]');
  await input.uploadFile(join(fixtures, 'notes.txt'), join(fixtures, 'red-ring.png'));
  await page.waitForSelector('[data-testid="rejected"] li', { timeout: TIMEOUT });
  assert.match(await text('rejected'), /notes\.txt/);
  await page.waitForFunction(() => document.querySelector('[data-testid="image-count"]')?.textContent === '1', { timeout: TIMEOUT });
  assert.deepEqual(session.errors, [], 'no console errors');
});
