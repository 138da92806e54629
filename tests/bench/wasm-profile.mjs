// Where the CPU worker's train step spends its time in headless Chromium: the page's own Step
// button on the CPU device, sampled by V8's profiler inside the worker (CDP, attached to the
// worker's target). Prints the worker's ms per step and the self time of each function, over the
// whole worker and under `--under` (by default the train step itself).
//
//   node tests/bench/wasm-profile.mjs [--dist dist] [--batch 16] [--steps 6] [--under Gan::train_step]
//                                     [--no-relaxed-simd]
//
// Chromium has relaxed SIMD, so the page loads `worker_cpu_relaxed`; `--no-relaxed-simd` shows
// it a browser without (the page then loads `worker_cpu`).
//
// Function names need a build that keeps them: scripts/wasm-profile.sh makes one and runs this
// on it. On the page's own build (names stripped) functions read `wasm-function[N]` and the
// `--under` table is empty, but the step times hold.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, launchBrowser, root } from '../e2e/harness.mjs';
import { Playground, withoutRelaxedSimd } from '../e2e/playground.mjs';

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: join(root, 'dist') },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '6' },
    under: { type: 'string', default: 'Gan::train_step' },
    top: { type: 'string', default: '20' },
    'no-relaxed-simd': { type: 'boolean', default: false },
  },
});

/**
 * The worker's DevTools session, reached through the page's session (auto-attach without
 * flattening: playwright gives sessions to pages, not to workers).
 */
class WorkerSession {
  constructor(cdp) {
    this.cdp = cdp;
    this.id = null;
    this.next = 1;
    this.pending = new Map();
    cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
      if (targetInfo.type === 'worker' && /worker_cpu/.test(targetInfo.url)) this.id = sessionId;
    });
    cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
      const reply = JSON.parse(message);
      const settle = this.pending.get(reply.id);
      if (!settle) return;
      this.pending.delete(reply.id);
      if (reply.error) settle.fail(new Error(`${reply.error.message} (${settle.method})`));
      else settle.ok(reply.result);
    });
  }

  attach() {
    return this.cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  }

  send(method, params = {}) {
    if (!this.id) throw new Error('the CPU worker has not started');
    const id = this.next++;
    const message = JSON.stringify({ id, method, params });
    return new Promise((ok, fail) => {
      this.pending.set(id, { ok, fail, method });
      this.cdp.send('Target.sendMessageToTarget', { sessionId: this.id, message }).catch(fail);
    });
  }
}

/** Self time (µs) per function name, over the samples whose stack passes `filter`. */
function selfTimes(profile, filter) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inside = (id) => {
    for (let at = id; at !== undefined; at = parent.get(at)) if (filter(nodes.get(at).callFrame.functionName)) return true;
    return false;
  };
  const times = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const name = nodes.get(id).callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)' || !inside(id)) return;
    const key = name.replace(/::h[0-9a-f]{16}/g, ''); // drop symbol hashes
    times.set(key, (times.get(key) ?? 0) + profile.timeDeltas[i]);
    total += profile.timeDeltas[i];
  });
  return { total, rows: [...times.entries()].sort((a, b) => b[1] - a[1]) };
}

function print(title, { total, rows }) {
  console.log(`# ${title}: ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [name, us] of rows.slice(0, Number(args.top))) {
    console.log(`${(100 * us / total).toFixed(1).padStart(5)} %  ${name.slice(0, 140)}`);
  }
}

const server = await startServer(args.dist);
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const worker = new WorkerSession(await context.newCDPSession(page));
  await worker.attach();
  const playground = new Playground(page);
  if (args['no-relaxed-simd']) await page.addInitScript(withoutRelaxedSimd);
  await page.goto(`${server.url}?cpu`);
  await playground.newModel({ 'batch-size': args.batch });
  const first = await playground.timedStep(); // caches and allocations warm up
  await worker.send('Profiler.enable');
  await worker.send('Profiler.setSamplingInterval', { interval: 200 });
  await worker.send('Profiler.start');
  const times = [];
  for (let i = 0; i < Number(args.steps); i += 1) times.push(await playground.timedStep());
  const { profile } = await worker.send('Profiler.stop');
  const sorted = [...times].sort((a, b) => a - b);
  const build = args['no-relaxed-simd'] ? 'worker_cpu' : 'worker_cpu_relaxed';
  console.log(`wasm-profile build=${build} batch=${args.batch} first_step_ms=${first} ms_per_step=${sorted[Math.floor(sorted.length / 2)]} steps=${times.join(',')}`);
  const out = join(root, 'target', 'wasm-profile');
  await mkdir(out, { recursive: true });
  const file = join(out, `step-b${args.batch}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  console.log(`# profile: ${file} (Chromium DevTools → Performance → load)`);
  print('the whole worker (steps, sample grids, autosaves)', selfTimes(profile, () => true));
  const under = new RegExp(args.under);
  print(`under ${args.under}`, selfTimes(profile, (name) => under.test(name)));
} finally {
  await browser.close();
  await server.close();
}
