// A page object for GAN Playground (as Leptos's `examples/counters/e2e` fixtures do): it owns
// the selectors and the user's actions, so a test reads as the user's steps.
import { readFile } from 'node:fs/promises';
import { setField } from './harness.mjs';

const TIMEOUT = 180_000;

export class Playground {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
  }

  /** Opens `url` in a new tab of `context`; with `relaxedSimd: false`, as a browser without
   * relaxed SIMD sees it (it then loads the plain CPU worker). */
  static async open(context, url, { relaxedSimd = true } = {}) {
    const page = await context.newPage();
    if (!relaxedSimd) await page.addInitScript(withoutRelaxedSimd);
    await page.goto(url);
    return new Playground(page);
  }

  /** A ready page on the CPU device (`query`) in a fresh browser context of `session`
   * (`useBrowser()`), with the console errors it logs: what most tests start from. */
  static async fresh(session, query = '?cpu') {
    const { context, errors } = await session.freshContext();
    const app = await Playground.open(context, `${session.server.url}${query}`);
    await app.ready();
    return { app, page: app.page, context, errors };
  }

  /** A ready page of `url` in a fresh context of `session`, with the paths it requests and the
   * console errors it logs (for tests of what is fetched when). */
  static async recorded(session, url) {
    const { context, errors } = await session.freshContext();
    const requests = [];
    context.on('request', (r) => requests.push(new URL(r.url()).pathname));
    const app = await Playground.open(context, url);
    await app.ready();
    return { app, context, requests, errors };
  }

  /** A page at `url` with a tiny model (see `useTinyModel`) stepped by hand to `steps` and
   * autosaved there. */
  static async tinyRunSavedAt(context, url, steps) {
    const app = await Playground.open(context, url);
    await app.ready();
    await app.savedRunsChecked();
    await app.useTinyModel();
    for (let i = 0; i < steps; i += 1) await app.stepOnce();
    await app.autosaved(steps);
    return app;
  }

  /** Waits for the device and the first sample grid. */
  async ready() {
    await this.page.waitForSelector('[data-testid="samples"][data-step]', { timeout: TIMEOUT });
  }

  /** Waits until the saved runs were looked at (and any offer to resume is shown). */
  async savedRunsChecked() {
    await this.page.waitForSelector('[data-testid="autosave"][data-checked="true"]', { state: 'attached', timeout: TIMEOUT });
  }

  /** Applies a tiny model (width 4, latent 8, batch 4), for tests that need many fast steps,
   * with any other hyper-parameters given by their field's test id (e.g. `{ augment: 1 }`). */
  async useTinyModel(others = {}) {
    await this.applyModel({ width: 4, 'latent-size': 8, 'batch-size': 4, ...others });
  }

  /** Applies a new model with the given hyper-parameters (by field test id) on the form's
   * values; waits until the old model's numbers are gone. */
  async applyModel(fields) {
    await this.openHyperParameters();
    for (const [field, value] of Object.entries(fields)) await this.setHyperParameter(field, value);
    await this.page.click('[data-testid="apply"]');
    await this.page.waitForFunction(() => !document.querySelector('[data-testid="stats"]')?.textContent, null, { timeout: TIMEOUT });
  }

  /** Opens the hyper-parameters' form (once). */
  async openHyperParameters() {
    if (!(await this.page.$('details:has([data-testid="hyper-parameters"])[open]'))) {
      await this.page.click('[data-testid="hyper-parameters"]');
    }
  }

  /** Types a value into a hyper-parameter's field, by its test id. */
  async setHyperParameter(field, value) {
    await setField(this.page, field, value);
  }

  /** A hyper-parameter's field as shown. */
  async hyperParameter(field) {
    return this.page.inputValue(`[data-testid="${field}"]`);
  }

  /** Why the settings cannot build a model ('' when they can), and whether Apply is disabled. */
  async configProblem() {
    return {
      reason: (await this.page.textContent('.hyper .invalid')).trim(),
      applyDisabled: await this.page.isDisabled('[data-testid="apply"]'),
    };
  }

  /** Adds image files; waits until the page counts `total` images. */
  async addImages(paths, total) {
    await this.page.setInputFiles('[data-testid="file-input"]', paths);
    await this.page.waitForFunction((n) => document.querySelector('[data-testid="image-count"]')?.textContent === String(n), total, { timeout: TIMEOUT });
  }

  /** Hands image files to the page, good and bad alike (no waiting). */
  async pickImages(files) {
    await this.page.setInputFiles('[data-testid="file-input"]', files);
  }

  /** Waits until `count` files are listed as rejected; their lines ("name: reason"). */
  async rejected(count) {
    await this.page.waitForFunction((n) => document.querySelectorAll('[data-testid="rejected"] li').length === n, count, { timeout: TIMEOUT });
    return this.page.$$eval('[data-testid="rejected"] li', (li) => li.map((x) => x.textContent));
  }

  /** The number of thumbnails shown. */
  async thumbnailCount() {
    return this.page.$$eval('.thumbs canvas', (c) => c.length);
  }

  /** Loads a checkpoint file (a path or { name, mimeType, buffer }). */
  async loadCheckpoint(file) {
    await this.page.setInputFiles('[data-testid="checkpoint-input"]', file);
  }

  /** Downloads the sample grid as a PNG; its name and bytes. */
  async exportGrid() {
    const [download] = await Promise.all([
      this.page.waitForEvent('download', { timeout: TIMEOUT }),
      this.page.click('[data-testid="export-grid"]'),
    ]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  }

  /** The sample grid canvas's size in pixels. */
  async gridSize() {
    return this.page.$eval('[data-testid="samples"]', (c) => [c.width, c.height]);
  }

  /** The four values of the last step's loss line. */
  async losses() {
    const text = await this.page.textContent('[data-testid="losses"]');
    return [...text.matchAll(/(-?\d+\.\d+)/g)].map((m) => Number(m[1]));
  }

  /** Starts training (no waiting). */
  async train() {
    await this.page.click('[data-testid="train"]');
  }

  /** Pauses training; waits until Train can be clicked again. */
  async pause() {
    await this.page.click('[data-testid="pause"]');
    await this.page.waitForSelector('[data-testid="train"]:not([disabled])', { timeout: TIMEOUT });
  }

  /** Starts recording the page's main-thread long tasks (start, duration) from now on. */
  async recordLongTasks() {
    const since = await this.page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => [e.startTime, e.duration])))
        .observe({ type: 'longtask', buffered: false });
      return performance.now();
    });
    return since;
  }

  /** The longest main-thread task recorded that started after `since` (page clock), in ms. */
  async longestTask(since = 0) {
    return this.page.evaluate((after) => Math.max(0, ...window.__longTasks.filter(([start]) => start >= after).map(([, d]) => d)), since);
  }

  /** The number of images the page lists. */
  async imageCount() {
    return Number(await this.page.textContent('[data-testid="image-count"]'));
  }

  /** The device line ("Training on …"). */
  async device() {
    return this.page.textContent('[data-testid="device"]');
  }

  /** Waits until the device line matches `pattern`; returns it. */
  async waitForDevice(pattern) {
    await this.page.waitForFunction(
      (source) => new RegExp(source).test(document.querySelector('[data-testid="device"]')?.textContent ?? ''),
      pattern.source,
      { timeout: TIMEOUT },
    );
    return this.device();
  }

  /** The step of the sample grid drawn last. */
  async gridStep() {
    return this.page.$eval('[data-testid="samples"]', (c) => Number(c.dataset.step));
  }

  /** The training data's description. */
  async dataset() {
    return this.page.textContent('[data-testid="dataset"]');
  }

  /** Chooses the built-in set whose button reads `label`; waits until the page trains on it. */
  async chooseBuiltin(label) {
    await this.page.click(`[data-testid^="builtin-"]:text-is("${label}")`);
    await this.page.waitForFunction(
      (label) => document.querySelector('[data-testid="dataset"]')?.textContent.includes(`${label} (`),
      label,
      { timeout: TIMEOUT },
    );
  }

  /** The step the page shows (−1 before the first). */
  async step() {
    return this.page.$eval('[data-testid="stats"]', (p) => Number(/step (\d+) /.exec(p.textContent)?.[1] ?? -1));
  }

  /** Waits until the step shown is `equals`, or at least `atLeast`. */
  async waitForStep({ equals, atLeast }) {
    await this.page.waitForFunction(
      ([equals, atLeast]) => {
        const step = Number(/step (\d+) /.exec(document.querySelector('[data-testid="stats"]')?.textContent)?.[1] ?? -1);
        return equals !== null ? step === equals : step >= atLeast;
      },
      [equals ?? null, atLeast ?? null],
      { timeout: TIMEOUT },
    );
  }

  /** One full step (D then G) by hand; waits for it. */
  async stepOnce() {
    const before = await this.step();
    await this.page.click('[data-testid="step"]');
    await this.waitForStep({ equals: Math.max(before, 0) + 1 });
  }

  /** One step by hand, once its sample grid is drawn and Step is enabled again: the worker's
   * own time for it (dispatch and read-back of the losses), in ms. */
  async timedStep() {
    await this.stepOnce();
    await this.page.waitForSelector(`[data-testid="samples"][data-step="${await this.step()}"]`, { timeout: TIMEOUT });
    await this.page.waitForSelector('[data-testid="step"]:not([disabled])', { timeout: TIMEOUT });
    return Number(/(\d+) ms per step/.exec(await this.page.textContent('[data-testid="stats"]'))[1]);
  }

  /** Once the page is ready, [`applyModel`](#applyModel) and waits until it can step. */
  async newModel(fields) {
    await this.ready();
    await this.applyModel(fields);
    await this.page.waitForSelector('[data-testid="step"]:not([disabled])', { timeout: TIMEOUT });
  }

  /** Trains until at least `steps`, then pauses; returns the step it stopped at. */
  async trainTo(steps) {
    const runs = await this.runsEnded();
    await this.page.click('[data-testid="train"]');
    await this.waitForStep({ atLeast: steps });
    await this.page.click('[data-testid="pause"]');
    await this.page.waitForSelector('[data-testid="train"]:not([disabled])', { timeout: TIMEOUT });
    const paused = await this.step();
    // Steps already under way when Pause came are still reported: wait until the worker's step
    // loop has ended (it says so), not for a quiet while.
    await this.waitForIdle(runs);
    return paused;
  }

  /** Records every alarm the page shows from now on, as it appears: a later alarm (a quality
   * measure at the same step) may replace one before a poll would see it. */
  async recordAlarms() {
    await this.page.evaluate(() => {
      window.alarmsShown = [];
      new MutationObserver(() => {
        const alarm = document.querySelector('[data-testid="alarm"]');
        if (alarm && alarm.textContent !== window.alarmsShown.at(-1)?.text) {
          window.alarmsShown.push({ text: alarm.textContent, pauses: alarm.dataset.pauses });
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
  }

  /** The alarms shown since [`recordAlarms`](#recordAlarms), oldest first: `{ text, pauses }`. */
  async alarmsShown() {
    return this.page.evaluate(() => window.alarmsShown);
  }

  /** Waits until an alarm matching `pattern` has been shown (since `recordAlarms`) or an alarm
   * has paused training; returns the first match, if any. */
  async waitForAlarmOrPause(pattern) {
    await this.page.waitForFunction(
      (source) => window.alarmsShown.some((a) => new RegExp(source).test(a.text))
        || document.querySelector('[data-testid="alarm"][data-pauses="true"]'),
      pattern.source, { timeout: TIMEOUT },
    );
    return (await this.alarmsShown()).find((a) => pattern.test(a.text));
  }

  /** The text of the alarm that paused training, if one shows. */
  async pausingAlarm() {
    return this.page.$eval('[data-testid="alarm"][data-pauses="true"]', (a) => a.textContent).catch(() => null);
  }

  /** Answers the pausing alarm with Keep training; waits until it is gone. */
  async keepTraining() {
    await this.page.click('[data-testid="keep-training"]');
    await this.page.waitForSelector('[data-testid="alarm"][data-pauses="true"]', { state: 'detached', timeout: TIMEOUT });
  }

  /** Waits until the step shown is at least `steps` or an alarm has paused training. */
  async waitForStepOrPause(steps) {
    await this.page.waitForFunction(
      (n) => Number(/step (\d+) /.exec(document.querySelector('[data-testid="stats"]')?.textContent)?.[1] ?? -1) >= n
        || document.querySelector('[data-testid="alarm"][data-pauses="true"]'),
      steps, { timeout: TIMEOUT },
    );
  }

  /** Times the worker's step loop has ended so far (`Response::Idle`). */
  async runsEnded() {
    return Number(await this.page.getAttribute('[data-testid="train-panel"]', 'data-runs-ended'));
  }

  /** Waits until the worker's step loop has ended more than `runs` times: no step runs now. */
  async waitForIdle(runs) {
    await this.page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="train-panel"]')?.dataset.runsEnded) > n,
      runs, { timeout: TIMEOUT },
    );
  }

  /** The last step's exact values, as the page keeps them: "step [d_loss, g_loss, …]". */
  async exactValues() {
    return this.page.getAttribute('[data-testid="losses"]', 'data-exact');
  }

  /** Waits for the autosave of `step`. */
  async autosaved(step) {
    await this.page.waitForSelector(`[data-testid="autosave"][data-step="${step}"]`, { state: 'attached', timeout: TIMEOUT });
  }

  /** The text of the offer to resume, or null when none is shown. */
  async resumeOffer() {
    const offer = await this.page.$('[data-testid="resume-offer"]');
    return offer && offer.textContent();
  }

  async resume() {
    await this.page.click('[data-testid="resume"]');
  }

  /** Downloads the project file; its bytes. */
  async downloadProject() {
    const [download] = await Promise.all([
      this.page.waitForEvent('download', { timeout: TIMEOUT }),
      this.page.click('[data-testid="download-project"]'),
    ]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  }

  /** Opens a project file (a path or { name, mimeType, buffer }). */
  async openProject(file) {
    await this.page.setInputFiles('[data-testid="project-input"]', file);
  }

  /** Chooses the explorer's generator by its link name ('faces', 'emoji', 'digits') or 'training'. */
  async chooseGenerator(name) {
    await this.page.check(`[data-testid="source-${name}"]`);
  }

  /** Waits until the explorer's text matches `pattern` (e.g. a generator's label). */
  async waitForExplorerText(pattern) {
    await this.page.waitForFunction(
      ([source, flags]) => new RegExp(source, flags).test(document.querySelector('[data-testid="explorer"]')?.textContent ?? ''),
      [pattern.source, pattern.flags],
      { timeout: TIMEOUT },
    );
  }

  /** Waits for the preview to be drawn more than `count` times; returns the new count. */
  async previewDrawn(count = 0) {
    await this.page.waitForFunction((n) => Number(document.querySelector('[data-testid="preview"]')?.dataset.drawn) > n, count, { timeout: TIMEOUT });
    return Number(await this.page.getAttribute('[data-testid="preview"]', 'data-drawn'));
  }

  /** Asks the explorer for a new random z; waits for its preview. */
  async randomZ() {
    const drawn = Number(await this.page.getAttribute('[data-testid="preview"]', 'data-drawn'));
    await this.page.click('[data-testid="randomize"]');
    return this.previewDrawn(drawn);
  }

  /** The explorer's generator label and any error it shows about it. */
  async explorerProblem() {
    return this.page.$eval('[data-testid="explorer"]', (e) =>
      [...e.querySelectorAll('[data-testid="pretrained-error"], [data-testid="render-error"]')].map((n) => n.textContent).join(' '));
  }

  /** The share of the preview's pixels that are clearly coloured (not grey). */
  async previewColourShare() {
    return this.page.$eval('[data-testid="preview"]', (c) => {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured += 1;
      }
      return coloured / (data.length / 4);
    });
  }

  /** The error banner's text, once shown. */
  async error() {
    await this.page.waitForSelector('[data-testid="error"]', { timeout: TIMEOUT });
    return this.page.textContent('[data-testid="error"]');
  }

  async dismissError() {
    await this.page.click('[data-testid="error"] button');
  }
}

/** Runs in the page before its scripts: `WebAssembly.validate` rejects any module with relaxed
 * SIMD's `f32x4.relaxed_madd` (0xfd 0x85 0x02), as an engine without relaxed SIMD does. */
export function withoutRelaxedSimd() {
  const validate = WebAssembly.validate.bind(WebAssembly);
  WebAssembly.validate = (source) => {
    const bytes = new Uint8Array(ArrayBuffer.isView(source) ? source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength) : source);
    for (let i = 0; i + 2 < bytes.length; i++) {
      if (bytes[i] === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02) return false;
    }
    return validate(source);
  };
}
