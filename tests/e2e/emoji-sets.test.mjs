// The built-in emoji sets (issue 33, part 1): each sheet is fetched only when its set is
// chosen, trains, and a project on it opens again on it; a broken sheet says so and the page
// keeps training on what it had, and so does a sheet the network does not deliver. Each test
// has its own context.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, useBrowser, root } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();
after(async () => {
  await session.broken?.close();
});
const FACES = 'Emoji faces (Twemoji)';
const ALL = '1 412 emoji (Twemoji)';

/** A ready page of `url` in a fresh context, with the requests it makes and its errors. */
const open = (url) => Playground.recorded(session, url);

test('an emoji set is fetched when chosen, trains, and a project on it opens on it again', async () => {
  const { app, context, requests, errors } = await open(`${session.server.url}?cpu`);
  const fetched = (file) => requests.filter((p) => p.endsWith(`/datasets/${file}`)).length;
  assert.equal(fetched('faces.png') + fetched('emoji.png'), 0, 'no sheet before a set is chosen');
  await app.useTinyModel();
  await app.chooseBuiltin(FACES);
  assert.match(await app.dataset(), /Emoji faces \(Twemoji\) \(118 images\)/);
  await app.page.waitForSelector('[data-testid="fetching-set"]', { state: 'detached', timeout: 10_000 });
  assert.equal(fetched('faces.png'), 1);
  assert.equal(fetched('emoji.png'), 0, 'only the chosen set');
  await app.stepOnce();
  await app.chooseBuiltin(ALL);
  assert.match(await app.dataset(), /1 412 emoji \(Twemoji\) \(1412 images\)/);
  await app.stepOnce();
  // Back to the faces: the sheet is kept, not fetched again.
  await app.chooseBuiltin(FACES);
  assert.equal(fetched('faces.png'), 1);
  await app.stepOnce();
  const project = await app.downloadProject();
  await context.close();

  // The project in a new page: its worker fetches the sheet again and trains on the faces.
  const again = await open(`${session.server.url}?cpu`);
  await again.app.openProject({ name: project.name, mimeType: 'application/octet-stream', buffer: project.bytes });
  await again.app.waitForStep({ equals: 3 });
  await again.app.page.waitForFunction(() => /Emoji faces \(Twemoji\) \(118 images\)/.test(document.querySelector('[data-testid="dataset"]')?.textContent), null, { timeout: 120_000 });
  await again.app.stepOnce();
  assert.equal(await again.app.step(), 4);
  assert.ok(again.requests.some((p) => p.endsWith('/datasets/faces.png')));
  assert.deepEqual([...errors, ...again.errors], [], 'no console errors');
  await again.context.close();
});

test('a broken sheet says so, and the page trains on what it had', async () => {
  const dist = await mkdtemp(join(tmpdir(), 'gan-dist-'));
  await cp(join(root, 'dist'), dist, { recursive: true });
  await writeFile(join(dist, 'datasets', 'faces.png'), 'not really a PNG');
  session.broken = await startServer(dist);
  const { app, context } = await open(`${session.broken.url}?cpu`);
  await app.useTinyModel();
  const before = await app.dataset();
  await app.page.click(`[data-testid^="builtin-"]:text-is("${FACES}")`);
  assert.match(await app.error(), /the built-in set “Emoji faces \(Twemoji\)” could not be loaded \(not an image/);
  assert.equal(await app.dataset(), before, 'the data stays');
  await app.page.waitForSelector('[data-testid="fetching-set"]', { state: 'detached', timeout: 10_000 });
  await app.stepOnce();
  await context.close();
});

test('a sheet the network does not deliver says why, and the page trains on what it had', async () => {
  const { app, context } = await open(`${session.server.url}?cpu`);
  // The connection drops as the worker asks for the sheet (a stalled one ends the same way,
  // after the worker's 120 s limit: "no complete answer within 120 s").
  await context.route('**/datasets/emoji.png', (route) => route.abort('connectionreset'));
  await app.useTinyModel();
  const before = await app.dataset();
  await app.page.click(`[data-testid^="builtin-"]:text-is("${ALL}")`);
  assert.match(await app.error(), /the built-in set “1 412 emoji \(Twemoji\)” could not be loaded \(datasets\/emoji\.png could not be fetched: Failed to fetch\)/);
  assert.equal(await app.dataset(), before, 'the data stays');
  await app.page.waitForSelector('[data-testid="fetching-set"]', { state: 'detached', timeout: 10_000 });
  await app.stepOnce();
  await context.close();
});
