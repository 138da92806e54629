// The deploy build (issue 11): dist/ works at a site's root and under a sub-path, with no
// failed request and no console error; it carries no development code; its
// Content-Security-Policy allows exactly its own inline start-up script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer, launchBrowser, root } from './harness.mjs';

const TIMEOUT = 180_000;

for (const base of ['/gan/', '/']) {
  test(`served under ${base}: the page opens, trains a step and draws the explorer`, async () => {
    const server = await startServer(join(root, 'dist'), base);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const failed = [];
      const errors = [];
      page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
      page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`); });
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); }));
      await page.goto(`${server.url}?cpu`);
      await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: TIMEOUT });
      await page.click('[data-testid="step"]');
      await page.waitForSelector('[data-testid="samples"][data-step="1"]', { timeout: TIMEOUT });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="preview"]')?.dataset.drawn) > 0, null, { timeout: TIMEOUT });
      assert.match(await page.textContent('[data-testid="explorer"]'), /Pretrained on emoji faces \(\d+ steps\)/, 'the pretrained generator loaded');
      assert.deepEqual(failed, [], 'no failed request');
      assert.deepEqual(errors, [], 'no console error');
    } finally {
      await browser.close();
      await server.close();
    }
  });
}

test('the deploy build has no live-reload client, and its CSP allows exactly its inline script', async () => {
  const html = await readFile(join(root, 'dist', 'index.html'), 'utf8');
  assert.doesNotMatch(html, /autoreload|__trunk_address__|WebSocket|new WebSocket/i);
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? assert.fail('no CSP');
  const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
  assert.doesNotMatch(scriptSrc, /unsafe-inline/);
  const inline = [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).filter((s) => s.trim());
  assert.ok(inline.length >= 1, 'Trunk\'s start-up script');
  for (const script of inline) {
    const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
    assert.ok(scriptSrc.includes(hash), `the CSP (app/index.html) needs ${hash} for Trunk's inline script`);
  }
  // Nothing but this origin.
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /connect-src 'self'/);
});
