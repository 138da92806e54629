// The shipped generators (issues 12 and 33): the explorer opens on the emoji faces and offers
// the others (all emoji, the digits), each loaded only when chosen; each one's link opens it
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
const open = (url) => Playground.recorded(session, url);

// Each shipped generator other than the opening one: its link name, its label, and whether
// it draws in colour.
const others = [
  { name: 'emoji', label: 'emoji', colour: true },
  { name: 'digits', label: 'digits', colour: false },
];

test('the explorer opens on the emoji faces; each other generator loads when chosen, draws, and its link opens it', async () => {
  const { app, context, requests, errors } = await open(`${session.server.url}?cpu`);
  await app.waitForExplorerText(/Pretrained on emoji faces \(\d+ steps\)/);
  assert.ok(await app.page.isChecked('[data-testid="source-faces"]'));
  let drawn = await app.previewDrawn();
  assert.ok((await app.previewColourShare()) > 0.1, 'the faces are colourful');
  for (const { name } of others) {
    assert.ok(!requests.some((p) => p.endsWith(`/${name}.gan`)), `${name} not fetched before it is chosen`);
  }
  const links = [];
  for (const { name, label, colour } of others) {
    await app.chooseGenerator(name);
    await app.waitForExplorerText(new RegExp(`Pretrained on ${label} \\(\\d+ steps\\)`));
    drawn = await app.previewDrawn(drawn);
    const share = await app.previewColourShare();
    assert.ok(colour ? share > 0.1 : share < 0.01, `${name}: coloured share ${share}`);
    assert.match(app.page.url(), new RegExp(`#src=${name}&`));
    links.push(app.page.url());
  }
  await context.close();

  // Each link, in another context: the explorer opens on its generator.
  await mkdir(screenshots, { recursive: true });
  for (const [i, { name, label, colour }] of others.entries()) {
    const again = await open(links[i]);
    await again.app.waitForExplorerText(new RegExp(`Pretrained on ${label} \\(\\d+ steps\\)`));
    await again.app.previewDrawn();
    assert.ok(await again.app.page.isChecked(`[data-testid="source-${name}"]`), `${name}'s link keeps it`);
    const share = await again.app.previewColourShare();
    assert.ok(colour ? share > 0.1 : share < 0.01, `${name} again: coloured share ${share}`);
    await again.app.page.locator('[data-testid="explorer"]').screenshot({ path: join(screenshots, `explorer-${name}.png`) });
    errors.push(...again.errors);
    await again.context.close();
  }
  assert.deepEqual(errors, [], 'no console errors');
});

test('a broken emoji file says so; the faces stay usable', async () => {
  const dist = await mkdtemp(join(tmpdir(), 'gan-dist-'));
  await cp(join(root, 'dist'), dist, { recursive: true });
  await writeFile(join(dist, 'pretrained', 'emoji.gan'), 'GANPLAY\0 not really a checkpoint');
  session.broken = await startServer(dist);
  const { app, context } = await open(`${session.broken.url}?cpu`);
  await app.waitForExplorerText(/Pretrained on emoji faces \(\d+ steps\)/);
  await app.chooseGenerator('emoji');
  await app.waitForExplorerText(/Pretrained on emoji \(unavailable\)/);
  const message = await app.page.textContent('[data-testid="pretrained-error"]');
  assert.match(message, /on emoji could not be loaded \(.+\)/);
  const drawn = Number(await app.page.getAttribute('[data-testid="preview"]', 'data-drawn'));
  await app.chooseGenerator('faces');
  await app.previewDrawn(drawn);
  assert.equal(await app.page.$('[data-testid="pretrained-error"]'), null, 'the message goes with it');
  await context.close();
});
