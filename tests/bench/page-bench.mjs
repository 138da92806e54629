// Benchmark of the built page in headless Chromium: ms per train step at the given batches on
// the CPU and WebGPU devices (the worker's own timing: dispatch + read-back of the losses), the
// page's load size (wasm + js, gzipped) and load-to-interactive time.
//
//   node tests/bench/page-bench.mjs [--devices cpu,webgpu] [--batches 16,64] [--steps 5]
//
// Run `trunk build --release` first. One line per measurement, `key=value` pairs.
import { readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, launchBrowser, root } from '../e2e/harness.mjs';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: 'cpu,webgpu' },
    batches: { type: 'string', default: '16,64' },
    steps: { type: 'string', default: '5' },
  },
});

const dist = join(root, 'dist');
let gz = 0;
for (const f of await readdir(dist)) {
  if (/\.(wasm|js)$/.test(f)) gz += gzipSync(await readFile(join(dist, f)), { level: 9 }).length;
}
console.log(`page load_size_gzip_bytes=${gz}`);

const server = await startServer();
const browser = await launchBrowser();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  for (const device of args.devices.split(',')) {
    for (const batch of args.batches.split(',').map(Number)) {
      const page = await browser.newPage();
      const t0 = Date.now();
      await page.goto(`${server.url}${device === 'cpu' ? '?cpu' : '?gpu'}`);
      await page.waitForSelector('[data-testid="samples"][data-step="0"]', { timeout: 600_000 });
      const interactive = Date.now() - t0;
      const badge = await page.textContent('[data-testid="device"]');
      if (device === 'webgpu' && !/WebGPU/.test(badge)) throw new Error(`no WebGPU: ${badge}`);
      await page.click('details summary');
      await page.fill('label:has-text("Batch size") input', String(batch));
      await page.dispatchEvent('label:has-text("Batch size") input', 'change');
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
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
