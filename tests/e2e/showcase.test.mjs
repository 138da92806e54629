// The second shipped generator (issue 12, part 4): the explorer opens on the digits and offers
// a colourful one, pretrained on the food emoji, loaded only when chosen; its link opens it
// again; a broken file says so and leaves the others usable. Each test has its own context.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, writeFile, mkdtemp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, useBrowser, root, screenshots } from './harness.mjs';
import { Playground } from './playground.mjs';

const session = useBrowser();
after(async () => {
  await session.broken?.close();
});

/** A ready page of `url` in a fresh context, with the requests it makes and its errors. */
async function open(url) {
  const { context, errors } = await session.freshContext();
  const requests = [];
  context.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const app = await Playground.open(context, url);
  await app.ready();
  return { app, context, requests, errors };
}

test('the food generator loads when chosen, draws in colour, and its link opens it', async () => {
  const { app, context, requests, errors } = await open(`${session.server.url}?cpu`);
  await app.waitForExplorerText(/Pretrained on digits \(\d+ steps\)/);
  let drawn = await app.previewDrawn();
  assert.ok((await app.previewColourShare()) < 0.01, 'the digits are grey');
  assert.ok(!requests.some((p) => p.endsWith('/food.gan')), 'not fetched before it is chosen');

  await app.chooseGenerator('food');
  await app.waitForExplorerText(/Pretrained on food emoji \(\d+ steps\)/);
  drawn = await app.previewDrawn(drawn);
  assert.ok((await app.previewColourShare()) > 0.1, 'the food emoji are colourful');
  assert.match(app.page.url(), /#src=food&/);

  // The link, in another context: the explorer opens on the food generator.
  const link = app.page.url();
  await context.close();
  const again = await open(link);
  await mkdir(screenshots, { recursive: true });
  await again.app.waitForExplorerText(/Pretrained on food emoji \(\d+ steps\)/);
  await again.app.previewDrawn();
  assert.ok(await again.app.page.isChecked('[data-testid="source-food"]'));
  assert.ok((await again.app.previewColourShare()) > 0.1);
  await again.app.page.locator('[data-testid="explorer"]').screenshot({ path: join(screenshots, 'explorer-food.png') });
  assert.deepEqual([...errors, ...again.errors], [], 'no console errors');
  await again.context.close();
});

test('a broken food file says so; the digits stay usable', async () => {
  const dist = await mkdtemp(join(tmpdir(), 'gan-dist-'));
  await cp(join(root, 'dist'), dist, { recursive: true });
  await writeFile(join(dist, 'pretrained', 'food.gan'), 'GANPLAY\0 not really a checkpoint');
  session.broken = await startServer(dist);
  const { app, context } = await open(`${session.broken.url}?cpu`);
  await app.waitForExplorerText(/Pretrained on digits \(\d+ steps\)/);
  await app.chooseGenerator('food');
  await app.waitForExplorerText(/Pretrained on food emoji \(unavailable\)/);
  const message = await app.page.textContent('[data-testid="pretrained-error"]');
  assert.match(message, /food emoji could not be loaded \(.+\)/);
  const drawn = Number(await app.page.getAttribute('[data-testid="preview"]', 'data-drawn'));
  await app.chooseGenerator('pretrained');
  await app.previewDrawn(drawn);
  assert.equal(await app.page.$('[data-testid="pretrained-error"]'), null, 'the message goes with it');
  await context.close();
});
