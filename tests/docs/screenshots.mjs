// The README's pictures, made from the built page (`--only` one of them):
// - `page` → docs/screenshot.png, the first picture: the page after training, as a visitor would
//   leave it — the 118 emoji faces (real images in colour, a built-in set) learnt on the CPU
//   device by a narrow model (width 16, batch 32, adaptive augmentation at target 0.6: varied
//   faces sooner; the page's other defaults) for `--steps` steps,
//   paused, the sample grid and the charts in view;
// - `lab` → docs/lab.png: the 2-D lab after 500 steps at its defaults (the ring of eight
//   Gaussians);
// - `explorer` → docs/explorer.png: the explorer alone (`#hide=lab,data,train,live,game`) on the
//   generator it opens with (the emoji faces), its interpolation strip drawn;
// - `lesson` → docs/lesson.png: the lesson's "One D step" on a projector (light theme), on the
//   built-in emoji faces, after three Step D only clicks: D's verdict before → after and the
//   loss formulas with those numbers.
//
//   trunk build --release && node tests/docs/screenshots.mjs [--only page|lab|explorer|lesson] [--steps 2000]
//
// About 4 minutes on a 2-core machine, each run seeded (the same pictures again). Not part of the
// test command (it only checks that this file parses): a picture is looked at, not asserted.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, launchBrowser, root } from '../e2e/harness.mjs';
import { Playground } from '../e2e/playground.mjs';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    steps: { type: 'string', default: '2000' },
    dist: { type: 'string', default: join(root, 'dist') },
  },
});

const docs = join(root, 'docs');
const TIMEOUT = 300_000;
const wanted = (name) => !args.only || args.only === name;

/** The page after `--steps` steps on the emoji faces: docs/screenshot.png. */
async function trainedPage(context) {
  const app = await Playground.open(context, `${server.url}?cpu`);
  await app.ready();
  await app.chooseBuiltin('Emoji faces (Twemoji)');
  await app.newModel({ width: 16, 'batch-size': 32, 'ada-target': 0.6 });
  const started = Date.now();
  // One step by hand after the pause: the grid and D's verdict then show that very step.
  const step = (await app.trainTo(Number(args.steps))) + 1;
  await app.page.click('[data-testid="step"]');
  await app.page.waitForFunction(
    (s) => Number(document.querySelector('[data-testid="samples"]')?.dataset.step) === s,
    step, { timeout: TIMEOUT },
  );
  // The form folded again: the picture is about what the page shows, not its settings.
  await app.page.click('[data-testid="hyper-parameters"]');
  await app.page.evaluate(() => window.scrollTo(0, 0));
  await app.page.screenshot({ path: join(docs, 'screenshot.png') });
  console.log(`page: step ${step} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** The 2-D lab after 500 steps at its defaults: docs/lab.png. */
async function lab(context) {
  const page = await context.newPage();
  await page.goto(`${server.url}?cpu`);
  await page.click('[data-testid="lab-open"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="lab-step-count"]')?.textContent === '0', null, { timeout: TIMEOUT });
  await page.click('[data-testid="lab-train"]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="lab-plane"]')?.dataset.step) >= 500, null, { timeout: TIMEOUT });
  await page.click('[data-testid="lab-pause"]');
  await page.waitForSelector('[data-testid="lab-train"]:not([disabled])', { timeout: TIMEOUT });
  const step = await page.getAttribute('[data-testid="lab-plane"]', 'data-step');
  await page.locator('[data-testid="lab"]').screenshot({ path: join(docs, 'lab.png') });
  console.log(`lab: step ${step}`);
}

/** The explorer alone on the generator it opens with: docs/explorer.png. */
async function explorer(context) {
  const page = await context.newPage();
  await page.goto(`${server.url}?cpu#hide=lab,data,train,live,game`);
  await page.waitForFunction(() => {
    const preview = document.querySelector('[data-testid="preview"]');
    return Number(preview?.dataset.drawn) > 0 && preview?.dataset.pending === 'false'
      && document.querySelectorAll('[data-testid="strip-frame"]').length > 0;
  }, null, { timeout: TIMEOUT });
  await page.screenshot({ path: join(docs, 'explorer.png'), fullPage: true });
  console.log('explorer: drawn');
}

/** The lesson's "One D step" after three Step D only clicks on the emoji faces: docs/lesson.png. */
async function lesson(context) {
  const app = await Playground.open(context, `${server.url}?cpu#lesson=10&theme=light`);
  await app.ready();
  await app.chooseBuiltin('Emoji faces (Twemoji)');
  const page = app.page;
  const version = () => page.getAttribute('[data-testid="verdict"]', 'data-version').then(Number);
  for (let i = 0; i < 3; i += 1) {
    const before = await version();
    await page.click('[data-testid="game-step-d"]');
    await page.waitForFunction((v) => {
      const verdict = document.querySelector('[data-testid="verdict"]');
      return Number(verdict?.dataset.version) > v && verdict?.dataset.judged === 'AfterStepD';
    }, before, { timeout: TIMEOUT });
  }
  await page.evaluate(() => document.querySelector('[data-testid="game-step-d"]').scrollIntoView({ block: 'start' }));
  await page.evaluate(() => window.scrollBy(0, -120));
  await page.screenshot({ path: join(docs, 'lesson.png') });
  console.log(`lesson: ${await page.textContent('[data-testid="lesson"] .lesson-title')}`);
}

const server = await startServer(args.dist);
const browser = await launchBrowser();
try {
  for (const [name, make, viewport] of [
    ['page', trainedPage, { width: 1400, height: 1250 }],
    ['lab', lab, { width: 1400, height: 1000 }],
    ['explorer', explorer, { width: 1400, height: 1000 }],
    ['lesson', lesson, { width: 1280, height: 900 }],
  ]) {
    if (!wanted(name)) continue;
    const context = await browser.newContext({ viewport });
    await make(context);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
