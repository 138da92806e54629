// The README's first picture, made from the built page: the page after training, as a visitor
// would leave it — the handwritten digits (real images, a built-in set) learnt on the CPU device
// by a narrow model (width 16, grey, batch 32) for `--steps` steps, paused, the sample grid,
// the charts and D's verdict in view. Writes docs/screenshot.png (or `--out`).
//
//   trunk build --release && node tests/docs/screenshots.mjs [--steps 1200] [--out docs/screenshot.png]
//
// About 1–2 minutes on a 2-core machine. Not part of the test command (it only checks that this
// file parses): a picture is looked at, not asserted.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, launchBrowser, root } from '../e2e/harness.mjs';
import { Playground } from '../e2e/playground.mjs';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '1200' },
    out: { type: 'string', default: join(root, 'docs', 'screenshot.png') },
    dist: { type: 'string', default: join(root, 'dist') },
  },
});

const server = await startServer(args.dist);
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1250 } });
  const app = await Playground.open(context, `${server.url}?cpu`);
  await app.ready();
  await app.page.click('[data-testid="builtin-2"]'); // Handwritten digits (UCI)
  await app.newModel({ colour: 1, width: 16, 'batch-size': 32 });
  const started = Date.now();
  // One step by hand after the pause: the grid and D's verdict then show that very step.
  const step = (await app.trainTo(Number(args.steps))) + 1;
  await app.page.click('[data-testid="step"]');
  await app.page.waitForFunction(
    (s) => Number(document.querySelector('[data-testid="samples"]')?.dataset.step) === s,
    step, { timeout: 120_000 },
  );
  // The form folded again: the picture is about what the page shows, not its settings.
  await app.page.click('[data-testid="hyper-parameters"]');
  await app.page.evaluate(() => window.scrollTo(0, 0));
  await app.page.screenshot({ path: args.out });
  console.log(`step ${step} after ${((Date.now() - started) / 1000).toFixed(0)} s: ${args.out}`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
