// The game made visible (issue 8, parts 1–3): the architecture view shows the model's own
// shapes and parameter counts (checked against `gan-train --print-architecture`, which reads
// them from the modules, and against the DCGAN's layer formulas computed here), D's verdict moves the right way under Step D only, and the loss
// formulas carry the verdict's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { useBrowser, root } from './harness.mjs';
import { Playground } from './playground.mjs';

// Each test opens its own page in a fresh browser context, so none depends on another's state.
const session = useBrowser();
const TIMEOUT = 300_000;
const ganTrain = join(root, 'target', 'release', 'gan-train');

/** The networks as the model builds them, for these gan-train flags. */
function modelArchitecture(flags) {
  return JSON.parse(execFileSync(ganTrain, ['--print-architecture', ...flags], { encoding: 'utf8' }));
}

/** The page object of the game panel. */
const game = {
  async layers(page, key) {
    return page.$$eval(`[data-testid="${key}-layer"]`, (rows) => rows.map((r) => ({
      output: r.dataset.shape.split(',').map(Number),
      parameters: Number(r.dataset.parameters),
    })));
  },
  async version(page) {
    return Number(await page.getAttribute('[data-testid="verdict"]', 'data-version'));
  },
  /** Clicks a game step and waits for its verdict (a grid refresh already on its way may
   * arrive first: it judged the model before the step). */
  async stepAndJudge(page, testid) {
    const before = await game.version(page);
    const judged = testid.endsWith('-d') ? 'AfterStepD' : 'AfterStepG';
    await page.click(`[data-testid="${testid}"]`);
    await page.waitForFunction(([v, kind]) => {
      const verdict = document.querySelector('[data-testid="verdict"]');
      return Number(verdict?.dataset.version) > v && verdict?.dataset.judged === kind;
    }, [before, judged], { timeout: TIMEOUT });
  },
  async scores(page, kind) {
    return page.$$eval(`[data-testid="score-${kind}"]`, (s) => s.map((e) => ({
      now: Number(e.dataset.value),
      before: e.dataset.before === undefined ? null : Number(e.dataset.before),
    })));
  },
  async configure(page, fields) {
    await page.click('[data-testid="hyper-parameters"]');
    for (const [testid, value] of Object.entries(fields)) {
      const selector = `[data-testid="${testid}"]`;
      if (await page.$eval(selector, (e) => e.tagName === 'SELECT')) await page.selectOption(selector, String(value));
      else await page.fill(selector, String(value));
      await page.dispatchEvent(selector, 'change');
    }
    const version = await game.version(page);
    await page.click('[data-testid="apply"]');
    await page.waitForFunction((v) => Number(document.querySelector('[data-testid="verdict"]')?.dataset.version) > v, version, { timeout: TIMEOUT });
    await page.click('[data-testid="hyper-parameters"]');
  },
};

/** Learnable parameters of each DCGAN layer from the paper's layer formulas, computed here and
 * not by the model: convolutions without bias (in·out·4·4), batch norm's γ and β (2·out); the
 * first row is the input. This is what PyTorch's `sum(p.numel() for p in m.parameters())` gives. */
function dcganParameters({ size, channels, width, latent }) {
  const blocks = Math.log2(size) - 2; // 4×4 up to size×size, doubling
  const widest = width * 2 ** (blocks - 1);
  const conv = (i, o) => i * o * 16;
  const generator = [0, conv(latent, widest) + 2 * widest];
  for (let c = widest; c > width; c /= 2) generator.push(conv(c, c / 2) + c);
  generator.push(conv(width, channels));
  const discriminator = [0, conv(channels, width)];
  for (let c = width; c < widest; c *= 2) discriminator.push(conv(c, 2 * c) + 4 * c);
  discriminator.push(conv(widest, 1));
  return { generator, discriminator };
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A small model, for the tests that need many quick steps. */
const SMALL = { 'image-size': 32, colour: 3, width: 8, 'latent-size': 20, 'batch-size': 8 };

/** A fresh page on the CPU device with D's first verdict shown. */
async function openGame() {
  const { context, errors } = await session.freshContext();
  const app = await Playground.open(context, `${session.server.url}?cpu`);
  await app.page.waitForSelector('[data-testid="verdict"][data-version="1"]', { timeout: TIMEOUT });
  return { page: app.page, context, errors };
}

test('the architecture view shows the model\'s own shapes and parameter counts', async () => {
  const { page, context, errors } = await openGame();
  const cases = [
    [{}, ['--size', '32', '--channels', '3', '--width', '64', '--latent', '64', '--batch', '16']],
    [{ 'image-size': 64, colour: 1, width: 16, 'latent-size': 20, 'batch-size': 8 },
      ['--size', '64', '--channels', '1', '--width', '16', '--latent', '20', '--batch', '8']],
    [{ 'image-size': 32, colour: 3, width: 8 },
      ['--size', '32', '--channels', '3', '--width', '8', '--latent', '20', '--batch', '8']],
  ];
  for (const [fields, flags] of cases) {
    if (Object.keys(fields).length) await game.configure(page, fields);
    const expected = modelArchitecture(flags);
    const flag = (name) => Number(flags[flags.indexOf(name) + 1]);
    const formulas = dcganParameters({ size: flag('--size'), channels: flag('--channels'), width: flag('--width'), latent: flag('--latent') });
    for (const key of ['generator', 'discriminator']) {
      const shown = await game.layers(page, key);
      // Independently of the model's own summary: the paper's layer formulas.
      assert.deepEqual(shown.map((l) => l.parameters), formulas[key], `${key}'s parameters by the formulas, ${flags.join(' ')}`);
      assert.deepEqual(shown, expected[key].map(({ output, parameters }) => ({ output, parameters })), `${key} for ${flags.join(' ')}`);
      const total = Number(await page.getAttribute(`[data-testid="${key}-total"]`, 'data-parameters'));
      assert.equal(total, expected[key].reduce((a, l) => a + l.parameters, 0));
    }
  }
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('a click on a generator layer shows its feature maps for one z', async () => {
  const { page, context, errors } = await openGame();
  const layers = await game.layers(page, 'generator');
  for (const index of [1, layers.length - 1]) {
    await page.click(`[data-testid="generator-layer"]:nth-child(${index + 1}) button`);
    await page.waitForSelector(`[data-testid="activations"][data-layer="${index}"]`, { timeout: TIMEOUT });
    const [, channels, side] = layers[index].output;
    const maps = await page.$$eval('[data-testid="activations"] canvas', (cs) => cs.map((c) => [c.width, c.height]));
    assert.equal(maps.length, Math.min(8, channels));
    assert.ok(maps.every(([w, h]) => w === side && h === side), JSON.stringify(maps));
  }
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('Step D only teaches D to tell real from generated; Step G only leaves D as it was', async () => {
  const { page, context, errors } = await openGame();
  await game.configure(page, { ...SMALL, 'lr-d': 0.001 });
  const first = { real: await game.scores(page, 'real'), fake: await game.scores(page, 'fake') };
  assert.equal(first.real.length, 8);
  for (const s of [...first.real, ...first.fake]) {
    assert.ok(Number.isFinite(s.now) && s.now >= 0 && s.now <= 1, `a BCE probability: ${s.now}`);
  }
  for (let i = 0; i < 5; i += 1) await game.stepAndJudge(page, 'game-step-d');
  const after = { real: await game.scores(page, 'real'), fake: await game.scores(page, 'fake') };
  assert.ok(after.real.every((s) => s.before !== null), 'each score shows before → after');
  assert.ok(mean(after.real.map((s) => s.now)) > mean(first.real.map((s) => s.now)), 'real up');
  assert.ok(mean(after.fake.map((s) => s.now)) < mean(first.fake.map((s) => s.now)), 'generated down');
  assert.match(await page.textContent('[data-testid="verdict-after"]'), /After one D step/);

  await game.stepAndJudge(page, 'game-step-g');
  const g = { real: await game.scores(page, 'real'), fake: await game.scores(page, 'fake') };
  assert.deepEqual(g.real.map((s) => s.now), g.real.map((s) => s.before), 'D did not change: the same real scores');
  assert.ok(g.fake.some((s) => s.now !== s.before), 'G drew new images');
  assert.match(await page.textContent('[data-testid="verdict-after"]'), /After one G step/);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('a training image\'s nearest training image is itself; a generated one\'s are measured', async () => {
  const { page, context, errors } = await openGame();
  await page.click('[data-testid="judged-real"] >> nth=3');
  await page.waitForSelector('[data-testid="nearest"]', { timeout: TIMEOUT });
  let neighbours = await page.$$eval('[data-testid="neighbour"]', (n) => n.map((e) => Number(e.dataset.distance)));
  assert.equal(neighbours.length, 3);
  assert.equal(neighbours[0], 0, 'itself, at distance 0');
  assert.match(await page.textContent('[data-testid="nearest"]'), /this training image/);
  await page.click('[data-testid="judged-fake"] >> nth=0');
  await page.waitForFunction(() => /this generated image/.test(document.querySelector('[data-testid="nearest"]')?.textContent), null, { timeout: TIMEOUT });
  neighbours = await page.$$eval('[data-testid="neighbour"]', (n) => n.map((e) => Number(e.dataset.distance)));
  assert.ok(neighbours[0] > 0 && neighbours.every((d, i) => i === 0 || d >= neighbours[i - 1]), JSON.stringify(neighbours));
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the quality line compares the samples\' nearest distance with the data\'s own spacing', async () => {
  const { page, context, errors } = await openGame();
  await game.configure(page, SMALL);
  await page.click('[data-testid="train"]');
  await page.waitForSelector('[data-testid="memorisation"]', { timeout: TIMEOUT });
  await page.click('[data-testid="pause"]');
  const text = await page.textContent('[data-testid="memorisation"]');
  const [, samples, training, ratio] = text.match(/Samples are ([\d.]+) .* training images are ([\d.]+) from each other \(([\d.]+)×\)/) ?? assert.fail(text);
  assert.ok(Number(samples) > 0 && Number(training) > 0, text);
  assert.ok(Math.abs(Number(ratio) - Number(samples) / Number(training)) < 0.02, text);
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});

test('the loss formulas carry the verdict\'s numbers', async () => {
  const { page, context, errors } = await openGame();
  await page.waitForSelector('[data-testid="train"]:not([disabled])', { timeout: TIMEOUT });
  const version = await game.version(page);
  const real = (await game.scores(page, 'real')).map((s) => s.now);
  const fake = (await game.scores(page, 'fake')).map((s) => s.now);
  // BCE from the shown probabilities (the page rounds nothing away that matters at 3 decimals).
  const dReal = mean(real.map((p) => -Math.log(p)));
  const dFake = mean(fake.map((p) => -Math.log(1 - p)));
  const gLoss = mean(fake.map((p) => -Math.log(p)));
  const d = await page.textContent('[data-testid="loss-d"]');
  const [, a, b, sum] = d.match(/= ([\d.]+) \+ ([\d.]+) = ([\d.]+)$/) ?? assert.fail(d);
  assert.ok(Math.abs(Number(a) - dReal) < 2e-3, `${a} vs ${dReal}`);
  assert.ok(Math.abs(Number(b) - dFake) < 2e-3, `${b} vs ${dFake}`);
  assert.ok(Math.abs(Number(sum) - (dReal + dFake)) < 3e-3);
  const g = await page.textContent('[data-testid="loss-g"]');
  assert.ok(Math.abs(Number(g.match(/= ([\d.]+)$/)[1]) - gLoss) < 2e-3, g);
  assert.match(await page.textContent('[data-testid="loss-note"]'), /non-saturating/);
  assert.equal(await game.version(page), version, 'the scores and the formulas came from one verdict');
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
