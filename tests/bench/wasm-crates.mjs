// Sums twiggy's per-item sizes of a wasm by the crate each item comes from, and by family
// (burn, cubecl with its cubek kernels, wgpu and naga, this project's crates, Rust's standard library, other crates,
// data), leaving out what the page's build removes (wasm-bindgen's descriptors, the name
// section). Called by scripts/wasm-sizes.sh; prints `# crate …` lines and a `sizes …` summary.
//   node tests/bench/wasm-crates.mjs <label> <twiggy top --format csv> <the .wasm>
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const STD = new Set(['core', 'alloc', 'std']);
const OURS = new Set(['model', 'worker', 'protocol', 'worker_cpu']);

/** One CSV row of twiggy's, its quoted name kept whole. */
function parseRow(line) {
  const m = line.match(/^"((?:[^"]|"")*)",(\d+),/) ?? line.match(/^([^,]*),(\d+),/);
  return m && { name: m[1].replaceAll('""', '"'), bytes: Number(m[2]) };
}

/** Items wasm-bindgen removes (its descriptors) and the name section the page's build strips:
 * not part of what the page ships. */
const notShipped = (name) => /^"?function names"? subsection|__wasm_bindgen_unstable|^__wbindgen_describe/
  .test(name.replaceAll('"', ''));

/** The crate an item comes from: for `<T as Trait>::f` and `drop_in_place<T>` the type's crate,
 * else the first path root that is not the standard library's (its generics are instantiated
 * for the crate that uses them). */
export function crateOf(name) {
  if (/^data segment/.test(name)) return '(data segments)';
  const roots = [...name.matchAll(/(?:^|[^:A-Za-z0-9_])([a-z_][a-z0-9_]*)::/g)].map((m) => m[1]);
  if (roots.length === 0) return '(wasm tables, types, glue)';
  return roots.find((c) => !STD.has(c)) ?? roots[0];
}

export function family(crate) {
  if (crate.startsWith('(')) return crate.includes('data') ? 'data' : 'wasm';
  if (OURS.has(crate)) return 'ours';
  if (STD.has(crate)) return 'std';
  if (crate.startsWith('burn')) return 'burn';
  // cubecl and its kernel crates (cubek: matmul, convolution, reduce…).
  if (crate.startsWith('cubecl') || crate.startsWith('cubek')) return 'cubecl';
  if (crate.startsWith('wgpu') || crate === 'naga') return 'wgpu';
  return 'other';
}

/** Prints the report for one wasm. */
function report(label, csvPath, wasmPath) {
  const byCrate = new Map();
  for (const line of readFileSync(csvPath, 'utf8').split('\n').slice(1)) {
    const row = parseRow(line);
    if (!row || row.name.startsWith('Σ') || notShipped(row.name)) continue;
    const crate = crateOf(row.name);
    byCrate.set(crate, (byCrate.get(crate) ?? 0) + row.bytes);
  }
  const total = [...byCrate.values()].reduce((a, b) => a + b, 0);
  const pct = (b) => ((100 * b) / total).toFixed(1);
  const mb = (b) => (b / 1e6).toFixed(3);
  for (const [crate, bytes] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`# crate ${label} ${crate} bytes=${bytes} share=${pct(bytes)}%`);
  }
  const families = new Map();
  for (const [crate, bytes] of byCrate) {
    families.set(family(crate), (families.get(family(crate)) ?? 0) + bytes);
  }
  const order = ['burn', 'cubecl', 'wgpu', 'ours', 'std', 'other', 'data', 'wasm'];
  console.log(`sizes ${label} file_mb=${mb(statSync(wasmPath).size)} shipped_items_mb=${mb(total)} ${order
    .map((f) => `${f}=${mb(families.get(f) ?? 0)}MB(${pct(families.get(f) ?? 0)}%)`).join(' ')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) report(...process.argv.slice(2));
