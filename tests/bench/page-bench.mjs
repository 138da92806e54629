// Benchmark of the built page in headless Chromium on loopback:
// - load: the bytes (gzipped) the browser fetches before the page is interactive — built-in
//   data selected, Train enabled on the CPU device, the explorer's pretrained preview drawn —
//   by file; load to interactive, cold (a fresh profile) and on a second visit (the service
//   worker's files); each built file's gzipped size.
// - steps: ms per train step at the given batches on the CPU and WebGPU devices (the worker's
//   own timing: dispatch + read-back of the losses), one Step click at a time. `cpu` is the CPU
//   worker Chromium loads (relaxed SIMD); `cpu-plain` the one a browser without relaxed SIMD
//   loads (the page is shown such a browser).
// - train: with `--train-s S`, the page's own training loop (Train) for S seconds after its
//   first two steps: wall ms per step as the user gets them, sample grids included.
// - lab: the 2-D lab training at its defaults (batch 256, width 64, 3 hidden layers) for
//   `--lab-s` seconds: steps per second with the plane drawn, frames per second, the worker's
//   time to compute a frame and the page's to draw it (medians and worst), and the main
//   thread's long tasks (over 50 ms, Chromium's Long Tasks API) while it trains.
//
//   node tests/bench/page-bench.mjs [--only load|steps|lab] [--devices cpu,cpu-plain,webgpu] [--batches 16,64]
//                                   [--steps 5] [--train-s 0] [--images DIR] [--lab-s 15] [--dist dist]
//
// `--images DIR`: the Train loop trains on the images of DIR, handed to the page as a user picks
// them (issue 29's measure: a new user's 132 images on the CPU).
//
// Run `trunk build --release` first. One line per measurement, `key=value` pairs.
import { readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, launchBrowser, root } from '../e2e/harness.mjs';
import { Playground, withoutRelaxedSimd } from '../e2e/playground.mjs';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: 'cpu,webgpu' },
    batches: { type: 'string', default: '16,64' },
    steps: { type: 'string', default: '5' },
    only: { type: 'string', default: '' },
    'train-s': { type: 'string', default: '0' },
    images: { type: 'string', default: '' },
    'lab-s': { type: 'string', default: '15' },
    dist: { type: 'string', default: join(root, 'dist') },
  },
});

const dist = args.dist;
const gzipped = (bytes) => gzipSync(bytes, { level: 9 }).length;
let gz = 0;
for (const f of (await readdir(dist)).sort()) {
  if (!/\.(wasm|js)$/.test(f)) continue;
  const size = gzipped(await readFile(join(dist, f)));
  console.log(`# file ${f} gzip_bytes=${size}`);
  gz += size;
}
console.log(`page load_size_gzip_bytes=${gz}`);

const server = await startServer(dist);
const browser = await launchBrowser();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Waits until the page is interactive; ms since its navigation began (the page's clock). */
async function interactive(page) {
  await page.waitForFunction(() => {
    const q = (s) => document.querySelector(s);
    return /\(\d+ images\)/.test(q('[data-testid="dataset"]')?.textContent ?? '')
      && q('[data-testid="train"]') && !q('[data-testid="train"]').disabled
      && /Training on the CPU/.test(q('[data-testid="device"]')?.textContent ?? '')
      && Number(q('[data-testid="preview"]')?.dataset.drawn) > 0;
  }, null, { timeout: 600_000, polling: 10 });
  return page.evaluate(() => performance.now());
}

/** Marks, in the page's clock, when each part of "interactive" first showed (set up before the
 * page's own scripts run). */
function markPhases() {
  window.__phases = {};
  const mark = (name) => { if (!(name in window.__phases)) window.__phases[name] = Math.round(performance.now()); };
  new MutationObserver(() => {
    const q = (s) => document.querySelector(s);
    if (q('header')) mark('ui');
    if (/Training on/.test(q('[data-testid="device"]')?.textContent ?? '')) mark('worker');
    if (q('[data-testid="samples"][data-step]')) mark('grid');
    if (Number(q('[data-testid="preview"]')?.dataset.drawn) > 0) mark('preview');
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

const phases = async (page) => Object.entries(await page.evaluate(() => window.__phases))
  .map(([name, ms]) => `${name}_ms=${ms}`).join(' ');

/** One cold visit and one second visit of the default page in a fresh profile. */
async function measureLoad() {
  const context = await browser.newContext();
  await context.addInitScript(markPhases);
  const fetched = [];
  context.on('requestfinished', async (request) => {
    const at = Date.now();
    const response = await request.response();
    // The service worker's own fetches (keeping files for later) are not what the page waits
    // for; a response it served came from the browser, not the network.
    if (request.serviceWorker() || response?.fromServiceWorker()) return;
    const body = await response?.body().catch(() => null);
    fetched.push({ at, path: new URL(request.url()).pathname, gz: body ? gzipped(body) : 0 });
  });
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(server.url);
  const coldMs = await interactive(page);
  const ready = t0 + coldMs;
  await new Promise((ok) => setTimeout(ok, 500)); // let the last body reads finish
  const before = fetched.filter((f) => f.at <= ready + 50);
  for (const f of before) console.log(`# before interactive ${f.path} gzip_bytes=${f.gz}`);
  const bytes = before.reduce((sum, f) => sum + f.gz, 0);
  console.log(`# cold visit: ${await phases(page)}`);
  await page.waitForSelector('[data-testid="offline"][data-ready="true"]', { timeout: 600_000 });
  const beforeSecond = fetched.length;
  await page.reload();
  const secondMs = await interactive(page);
  const fromNetwork = fetched.slice(beforeSecond).filter((f) => f.path !== '/sw.js').length;
  console.log(`# second visit: ${await phases(page)}`);
  console.log(`load bytes_before_interactive_gzip=${bytes} cold_to_interactive_ms=${coldMs.toFixed(0)} second_visit_to_interactive_ms=${secondMs.toFixed(0)} second_visit_network_requests=${fromNetwork}`);
  await context.close();
}

/** Trains with the page's Train button for at least `--train-s` seconds, timed from two steps
 * after it starts. */
async function measureTraining(page, device, batch) {
  const app = new Playground(page);
  let on = 'builtin';
  if (args.images) {
    const files = (await readdir(args.images)).filter((f) => /\.(png|jpe?g|gif|webp|bmp)$/i.test(f)).sort();
    await app.addImages(files.map((f) => join(args.images, f)), files.length);
    await page.waitForFunction((n) => document.querySelector('[data-testid="dataset"]')?.textContent.includes(`Your images (${n} images)`), files.length);
    on = `images:${files.length}`;
  }
  await page.click('[data-testid="train"]');
  await app.waitForStep({ atLeast: (await app.step()) + 2 });
  // From one step's report to another's, the first at least `--train-s` later.
  const [from, t0] = [await app.step(), Date.now()];
  let [to, t1] = [from, t0];
  while (t1 - t0 < Number(args['train-s']) * 1000) {
    await app.waitForStep({ atLeast: to + 1 });
    [to, t1] = [await app.step(), Date.now()];
  }
  await app.pause();
  const ms = to > from ? ((t1 - t0) / (to - from)).toFixed(0) : 'NA';
  console.log(`burn device=${device} batch=${batch} data=${on} training_ms_per_step=${ms} steps=${to - from} seconds=${((t1 - t0) / 1000).toFixed(0)}`);
}

/** The 2-D lab trains for `--lab-s` seconds; what it costs the page, frame by frame. */
async function measureLab() {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${server.url}?cpu`);
  await page.click('[data-testid="lab-open"]');
  await page.waitForSelector('[data-testid="lab-plane"][data-step="0"]', { timeout: 600_000 });
  // Each frame's costs, read as it lands (the section's frame count changes once per frame).
  await page.evaluate(() => {
    const lab = document.querySelector('[data-testid="lab"]');
    const plane = document.querySelector('[data-testid="lab-plane"]');
    window.__labFrames = [];
    new MutationObserver(() => {
      // The drawing follows the frame in the same task; read it a frame later.
      requestAnimationFrame(() => window.__labFrames.push({
        compute: Number(lab.dataset.computeMs), draw: Number(plane.dataset.drawMs), step: Number(plane.dataset.step),
      }));
    }).observe(lab, { attributes: true, attributeFilter: ['data-frames'] });
  });
  await page.click('[data-testid="lab-train"]');
  await page.waitForFunction(() => window.__labFrames.length >= 5, null, { timeout: 600_000 });
  const start = await page.evaluate(() => {
    window.__longTasks = [];
    const last = window.__labFrames.at(-1);
    return { t: performance.now(), step: last.step, frames: window.__labFrames.length };
  });
  await page.waitForTimeout(Number(args['lab-s']) * 1000);
  const end = await page.evaluate(() => ({
    t: performance.now(), frames: window.__labFrames, longTasks: window.__longTasks,
  }));
  await page.click('[data-testid="lab-pause"]');
  const frames = end.frames.slice(start.frames);
  const seconds = (end.t - start.t) / 1000;
  const steps = frames.at(-1).step - start.step;
  const worst = (xs) => Math.max(...xs).toFixed(1);
  const compute = frames.map((f) => f.compute);
  const draw = frames.map((f) => f.draw);
  const both = frames.map((f) => f.compute + f.draw);
  const speed = await page.textContent('[data-testid="lab-step-count"] + td');
  console.log(`lab steps_per_s=${(steps / seconds).toFixed(0)} frames_per_s=${(frames.length / seconds).toFixed(1)} `
    + `frame_compute_ms_median=${median(compute).toFixed(1)} frame_draw_ms_median=${median(draw).toFixed(1)} `
    + `frame_ms_median=${median(both).toFixed(1)} frame_ms_worst=${worst(both)} `
    + `long_tasks=${end.longTasks.length} longest_task_ms=${end.longTasks.length ? worst(end.longTasks) : 0} `
    + `seconds=${seconds.toFixed(0)} worker_says="${speed}"`);
  await page.close();
}

try {
  if (args.only === 'lab') {
    await measureLab();
    args.devices = '';
  }
  if (args.only === '') await measureLab();
  if (args.only !== 'steps' && args.only !== 'lab') await measureLoad();
  if (args.only === 'load') args.devices = '';
  for (const device of args.devices.split(',').filter(Boolean)) {
    for (const batch of args.batches.split(',').map(Number)) {
      const page = await browser.newPage();
      if (device === 'cpu-plain') await page.addInitScript(withoutRelaxedSimd);
      const t0 = Date.now();
      await page.goto(`${server.url}${device === 'webgpu' ? '?gpu' : '?cpu'}`);
      await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: 600_000 });
      const interactive = Date.now() - t0;
      const badge = await page.textContent('[data-testid="device"]');
      if (device === 'webgpu' && !/WebGPU/.test(badge)) throw new Error(`no WebGPU: ${badge}`);
      if (device === 'cpu' && !/relaxed SIMD/.test(badge)) throw new Error(`not the relaxed-SIMD CPU worker: ${badge}`);
      if (device === 'cpu-plain' && /relaxed SIMD/.test(badge)) throw new Error(`not the plain CPU worker: ${badge}`);
      // By test id: the 2-D lab's section, above, has a summary and a batch size of its own.
      await page.click('[data-testid="hyper-parameters"]');
      await page.fill('[data-testid="batch-size"]', String(batch));
      await page.dispatchEvent('[data-testid="batch-size"]', 'change');
      await page.click('text=Apply (new model)');
      await page.waitForSelector('[data-testid="step"]:not([disabled])');
      const times = [];
      for (let step = 1; step <= Number(args.steps) + 1; step += 1) {
        await page.click('[data-testid="step"]');
        await page.waitForSelector(`[data-testid="samples"][data-step="${step}"]`, { timeout: 900_000 });
        await page.waitForSelector('[data-testid="step"]:not([disabled])');
        const stats = await page.textContent('[data-testid="stats"]');
        const ms = Number(/(\d+) ms per step/.exec(stats)[1]);
        if (step > 1) times.push(ms); // the first step compiles shaders / warms caches
        else console.log(`# ${device} batch=${batch} first_step_ms=${ms}`);
      }
      console.log(`burn device=${device} batch=${batch} ms_per_step=${median(times)} load_to_interactive_ms=${interactive} steps=${times.length}`);
      if (Number(args['train-s']) > 0) await measureTraining(page, device, batch);
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
