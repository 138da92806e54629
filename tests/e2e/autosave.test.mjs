// Nothing is lost (issue 9): the run is autosaved in the browser's IndexedDB, a reload offers
// to resume it and the resumed run is the same run; project files carry a run to another
// browser or to the native trainer and back; a full quota says so and training goes on; two
// tabs keep their own saves. Each test opens its own browser context (its own storage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBrowser, fixtures, root, screenshot } from './harness.mjs';
import { Playground } from './playground.mjs';

const IMAGES = ['red-ring.png', 'green-square.jpg', 'blue-ring.gif'].map((f) => join(fixtures, f));
const session = useBrowser();
const freshContext = () => session.freshContext();

/** A page of a fresh context with a tiny model, once the saved runs were looked at. */
async function tinyRun(context) {
  const app = await Playground.open(context, `${session.server.url}?cpu`);
  await app.ready();
  await app.savedRunsChecked();
  await app.useTinyModel();
  return app;
}

/** … training on three user images. */
async function tinyRunOnImages(context) {
  const app = await tinyRun(context);
  await app.addImages(IMAGES, 3);
  return app;
}

/** … trained by hand to step 2 and autosaved there. */
async function tinyRunSavedAtStep2(context) {
  const app = await tinyRun(context);
  await app.stepOnce();
  await app.stepOnce();
  await app.autosaved(2);
  return app;
}

test('a reload offers to resume, and the resumed run is the run that was never interrupted', async () => {
  const { context, errors } = await freshContext();
  const app = await tinyRunOnImages(context);
  await app.stepOnce();
  const stopped = await app.trainTo(3);
  await app.autosaved(stopped);

  await app.page.reload();
  await app.ready();
  await app.savedRunsChecked();
  const offer = await app.resumeOffer();
  assert.match(offer, new RegExp(`Resume your run from step ${stopped} \\(saved \\d+ s ago, 3 images\\)\\?`));
  await screenshot(app.page, 'resume-offer');
  await app.resume();
  await app.waitForStep({ equals: stopped });
  assert.equal(await app.imageCount(), 3, 'the images came back');
  await app.stepOnce();
  const resumed = await app.exactValues();

  // The same run never interrupted: a new context takes the same steps by hand.
  const { context: other } = await freshContext();
  const fresh = await tinyRunOnImages(other);
  for (let i = 0; i <= stopped; i += 1) await fresh.stepOnce();
  assert.equal(resumed, await fresh.exactValues(), 'same losses after resuming: same weights, Adam state, noise and batches');
  assert.ok(resumed.startsWith(`${stopped + 1} [Some(`), resumed);
  await other.close();
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('a project file goes to the native trainer and back; a damaged one is refused and nothing changes', async () => {
  const { context, errors } = await freshContext();
  const app = await tinyRunOnImages(context);
  for (let i = 0; i < 3; i += 1) await app.stepOnce();
  const { name, bytes } = await app.downloadProject();
  assert.equal(name, 'gan-step3.ganproj');
  assert.equal(bytes.subarray(0, 8).toString('latin1'), 'GANPROJ\0');

  // The native trainer continues it on its images and writes it back.
  const dir = await mkdtemp(join(tmpdir(), 'ganproj-'));
  const file = join(dir, name);
  await writeFile(file, bytes);
  const trainer = join(root, 'target', 'release', 'gan-train');
  await access(trainer);
  const out = join(dir, 'out');
  const { stderr } = await promisify(execFile)(trainer, ['--resume', file, '--steps', '6', '--out', out, '--sample-every', '1000', '--quality-every', '1000']);
  assert.match(stderr, /3 images/);
  assert.match(stderr, /resumed at step 3, epoch \d+ of the data/);
  const continued = await readFile(join(out, 'project.ganproj'));

  // Another browser (a fresh context) opens it: images, model and charts.
  const { context: other, errors: otherErrors } = await freshContext();
  const there = await Playground.open(other, `${session.server.url}?cpu`);
  await there.ready();
  await there.savedRunsChecked();
  await there.openProject({ name: 'continued.ganproj', mimeType: 'application/octet-stream', buffer: continued });
  await there.waitForStep({ equals: 6 });
  assert.equal(await there.imageCount(), 3);
  await there.page.waitForSelector('[data-testid="autosave"][data-step="6"]', { timeout: 60_000 });
  await there.stepOnce();

  // Truncated, then one byte changed: refused with the reason, the model stays at step 7.
  for (const [bad, reason] of [
    [continued.subarray(0, continued.length - 100), /project not opened: the project file is truncated/],
    [Buffer.concat([continued.subarray(0, 200), Buffer.from([continued[200] ^ 1]), continued.subarray(201)]), /project not opened: the project file is damaged \(checksum mismatch\)/],
    [await readFile(join(fixtures, 'notes.txt')), /project not opened: not a GAN Playground project file/],
  ]) {
    await there.openProject({ name: 'bad.ganproj', mimeType: 'application/octet-stream', buffer: bad });
    assert.match(await there.error(), reason);
    await there.dismissError();
    assert.equal(await there.step(), 7);
    assert.equal(await there.imageCount(), 3);
  }
  assert.deepEqual([...errors, ...otherErrors], [], 'no console errors');
  await other.close();
  await context.close();
});

test('a full storage quota says so and training goes on', async () => {
  const { context } = await freshContext();
  const app = await Playground.open(context, `${session.server.url}?cpu`);
  // A real quota error: the browser is told this site may store almost nothing.
  const cdp = await context.newCDPSession(app.page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(session.server.url).origin, quotaSize: 20_000 });
  await app.ready();
  await app.savedRunsChecked();
  await app.useTinyModel();
  await app.stepOnce();
  await app.page.waitForSelector('[data-testid="autosave-error"]', { timeout: 60_000 });
  assert.match(await app.page.textContent('[data-testid="autosave-error"]'), /Autosave failed: the browser's storage for this page is full .*training goes on/);
  const stopped = await app.trainTo(4);
  assert.ok(stopped >= 4, 'training went on');
  await screenshot(app.page, 'quota-full');
  await context.close();
});

test('two tabs keep their own saves', async () => {
  const { context, errors } = await freshContext();
  const first = await tinyRunSavedAtStep2(context);

  // The second tab: the first tab's run is in use there, so it is not offered here.
  const second = await Playground.open(context, `${session.server.url}?cpu`);
  await second.ready();
  await second.savedRunsChecked();
  assert.equal(await second.resumeOffer(), null);
  await second.useTinyModel();
  for (let i = 0; i < 5; i += 1) await second.stepOnce();
  await second.autosaved(5);
  const runs = await Promise.all([first, second].map((t) => t.page.getAttribute('[data-testid="autosave"]', 'data-run')));
  assert.notEqual(runs[0], runs[1], 'each tab has its own run');

  // The first tab reloads: its own run, still at step 2.
  await first.page.reload();
  await first.ready();
  await first.savedRunsChecked();
  assert.match(await first.resumeOffer(), /Resume your run from step 2 /);
  await first.resume();
  await first.waitForStep({ equals: 2 });
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('a duplicated tab resumes a copy and leaves the original tab\'s saves alone', async () => {
  const { context, errors } = await freshContext();
  const first = await tinyRunSavedAtStep2(context);
  const original = await first.page.getAttribute('[data-testid="autosave"]', 'data-run');

  // The browser's "Duplicate tab" copies the tab's sessionStorage: the copy claims the run.
  const page = await context.newPage();
  await page.addInitScript(([key, id]) => sessionStorage.setItem(key, JSON.stringify(id)), ['gan-playground.run-id', original]);
  await page.goto(`${session.server.url}?cpu`);
  const copy = new Playground(page);
  await copy.ready();
  await copy.savedRunsChecked();
  assert.match(await copy.resumeOffer(), /Resume your run from step 2 /);
  await copy.resume();
  await copy.waitForStep({ equals: 2 });
  await page.waitForSelector('[data-testid="forked-notice"]', { timeout: 60_000 });
  for (let i = 0; i < 3; i += 1) await copy.stepOnce();
  await copy.autosaved(5);
  assert.notEqual(await page.getAttribute('[data-testid="autosave"]', 'data-run'), original, 'the copy saves under its own run');

  // The original goes on under its own run, which the copy did not overwrite.
  await first.stepOnce();
  await first.autosaved(3);
  assert.equal(await first.page.getAttribute('[data-testid="autosave"]', 'data-run'), original);
  await first.page.reload();
  await first.ready();
  await first.savedRunsChecked();
  assert.match(await first.resumeOffer(), /Resume your run from step 3 /, 'its own step, not the copy\'s 5');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
