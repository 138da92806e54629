// Shared set-up of the end-to-end tests: a static server over dist/ and Debian's headless
// Chromium (WebGPU on SwiftShader where there is no GPU) driven by playwright-core.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const fixtures = join(here, 'fixtures');
export const screenshots = join(root, 'target', 'e2e-screenshots');

const types = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.gan': 'application/octet-stream',
};

/**
 * Serves dist/ on a free port of 127.0.0.1 under `base` (a path such as '/gan/'; '/' by
 * default), as a static host would: anything outside `base` is a 404. `url` is the page's.
 */
export async function startServer(dist = join(root, 'dist'), base = '/') {
  const server = createServer(async (req, res) => {
    const dist = served.dist;
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!path.startsWith(base)) {
      res.writeHead(404).end('not found');
      return;
    }
    const inside = path.slice(base.length - 1);
    const file = join(dist, inside.endsWith('/') ? inside + 'index.html' : inside);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  const served = { dist };
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}${base}`;
  const close = () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); });
  // `serve(dir)`: from now on, serve another build at the same address (a deployed update).
  return { url, close, serve: (dir) => { served.dist = dir; } };
}

/** Debian's Chromium, headless, with WebGPU enabled. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * Opens the page; records every request and console error. `requests` lets a test check that
 * nothing leaves the origin.
 */
export async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); }));
  await page.goto(url);
  return { page, context, requests, errors };
}

/** A cheap fingerprint of a canvas's pixels (sum and count of non-background bytes). */
export async function canvasFingerprint(page, testid) {
  return page.$eval(`[data-testid="${testid}"]`, (c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 1) sum = (sum + data[i] * (i % 251 + 1)) % 1e9;
    return `${c.width}x${c.height}:${sum}`;
  });
}

export async function screenshot(page, name) {
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Saves a screenshot of the element `selector` alone as target/e2e-screenshots/NAME.png. */
export async function screenshotOf(page, selector, name) {
  await mkdir(screenshots, { recursive: true });
  await page.locator(selector).screenshot({ path: join(screenshots, `${name}.png`) });
}

/**
 * Registers before/after hooks that serve dist/, start the browser and open the page at
 * `query`; the returned object is filled in before the first test runs.
 */
export function usePage(query = '') {
  const session = {};
  before(async () => {
    session.server = await startServer();
    session.browser = await launchBrowser();
    Object.assign(session, await openPage(session.browser, `${session.server.url}${query}`));
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}

/**
 * Registers hooks that serve dist/ and start the browser for tests that each open their own
 * browser context (so none depends on another's state). The returned session gets `server`
 * and `browser` before the first test, and `freshContext()`: a context with empty storage that
 * records its pages' and their workers' console errors, as `{ context, errors }`.
 */
export function useBrowser() {
  const session = {
    async freshContext() {
      const context = await session.browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const errors = [];
      context.on('page', (page) => {
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
        page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); }));
      });
      return { context, errors };
    },
  };
  before(async () => {
    session.server = await startServer();
    session.browser = await launchBrowser();
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}

/** Counts the frames of a GIF by walking its blocks (image descriptors, extensions). */
export function gifFrames(bytes) {
  if (bytes.subarray(0, 6).toString('latin1') !== 'GIF89a') throw new Error('not a GIF89a file');
  let at = 13;
  const flags = bytes[10];
  if (flags & 0x80) at += 3 * 2 ** ((flags & 7) + 1); // global colour table
  const skipSubBlocks = () => { while (bytes[at] !== 0) at += bytes[at] + 1; at += 1; };
  let frames = 0;
  for (;;) {
    const block = bytes[at];
    if (block === 0x3b) return frames; // trailer
    if (block === 0x21) { at += 2; skipSubBlocks(); continue; } // extension
    if (block !== 0x2c) throw new Error(`no image descriptor at byte ${at}`);
    frames += 1;
    const local = bytes[at + 9];
    at += 10;
    if (local & 0x80) at += 3 * 2 ** ((local & 7) + 1);
    at += 1; // LZW minimum code size
    skipSubBlocks();
  }
}

/** Sets a hyper-parameter as a user types it (fires `change`). */
export async function setField(page, testid, value) {
  const selector = `[data-testid="${testid}"]`;
  if (await page.$eval(selector, (e) => e.tagName === 'SELECT')) await page.selectOption(selector, String(value));
  else await page.fill(selector, String(value));
  await page.dispatchEvent(selector, 'change');
}

/** Applies a tiny model (width 4, latent 8, batch 4) for tests that need many fast steps. */
export async function applyTinyModel(page) {
  await page.click('[data-testid="hyper-parameters"]');
  for (const [field, value] of [['width', 4], ['latent-size', 8], ['batch-size', 4]]) await setField(page, field, value);
  await page.click('[data-testid="apply"]');
}
