// Second visit and offline (issue 10): after one load the service worker keeps the page's own
// files, so the page opens and trains on the CPU with the server gone; a new build replaces
// the kept files, and the page says so before it takes over. Each test has its own server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFile, cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, useBrowser, root } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();

/** A page of `server` in a fresh context, once its files are kept for offline use. */
async function openKept(server, query = '?cpu') {
  const { context, errors } = await session.freshContext();
  const app = await Playground.open(context, `${server.url}${query}`);
  await app.ready();
  await app.page.waitForSelector('[data-testid="offline"][data-ready="true"]', { timeout: 120_000 });
  return { app, context, errors };
}

test('after one load the page opens and trains with the server gone', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const { app, context } = await openKept(server);
  assert.match(await app.page.textContent('[data-testid="offline"]'), /works offline/);
  await server.close();
  await app.page.reload();
  await app.ready();
  await app.stepOnce();
  assert.match(await app.device(), /Training on the CPU/);
  await app.previewDrawn();
  await context.close();
});

test('a new build replaces the kept files after the user agrees, and says so first', async (t) => {
  // The "new build": this one with a changed page (index.html: the only file no other names
  // by its integrity hash), its service worker written again.
  const next = await mkdtemp(join(tmpdir(), 'gan-next-build-'));
  await cp(join(root, 'dist'), next, { recursive: true });
  await appendFile(join(next, 'index.html'), '\n<!-- the next build -->\n');
  execFileSync('bash', [join(root, 'scripts/precache.sh')], { env: { ...process.env, TRUNK_STAGING_DIR: next } });

  const server = await startServer();
  t.after(() => server.close());
  const { app, context, errors } = await openKept(server);
  const cachesBefore = await app.page.evaluate(() => caches.keys());
  server.serve(next);
  await app.page.reload();
  await app.page.waitForSelector('[data-testid="update-ready"]', { timeout: 120_000 });
  assert.match(await app.page.textContent('[data-testid="update-ready"]'), /A new version of GAN Playground is ready/);
  // Until then the page runs on the files it kept.
  assert.doesNotMatch(await app.page.evaluate(async () => (await fetch('index.html')).text()), /the next build/);

  await Promise.all([app.page.waitForEvent('load'), app.page.click('[data-testid="update-now"]')]);
  await app.ready();
  await app.page.waitForSelector('[data-testid="offline"][data-ready="true"]', { timeout: 120_000 });
  assert.match(await app.page.evaluate(async () => (await fetch('index.html')).text()), /the next build/);
  const cachesAfter = await app.page.evaluate(() => caches.keys());
  assert.equal(cachesAfter.length, 1, `one cache: ${cachesAfter}`);
  assert.notDeepEqual(cachesAfter, cachesBefore, 'the old one is gone');
  assert.deepEqual(errors, []);
  await context.close();
});
