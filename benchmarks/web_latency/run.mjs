// usage: node benchmarks/web_latency/run.mjs [--rounds N] [--iterations N]
// Batch-1 latency of models/seed and models/compact: the native engine (every kernel set this
// CPU runs; build/host-release/bin/model_latency) and the web page's scalar and SIMD128
// WebAssembly modules in headless Chromium (build/wasm/site, scripts/web.sh --build-only),
// alternating round by round in one run; prints medians (wall clock, ms per inference),
// each wasm figure's ratio to the native portable set, and the .wasm sizes.
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { openBrowser } from "../../tests/web/browser.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive count`);
  return v;
};
const rounds = option("--rounds", 7);
const iterations = option("--iterations", 30);
const site = join(repo, "build", "wasm", "site");
const native = join(repo, "build", "host-release", "bin", "model_latency");
const archs = ["seed", "compact"];

const samples = {}; // "arch contender" -> [ms]
const add = (key, ms) => (samples[key] ||= []).push(ms);
const browser = await openBrowser(site);
const pages = {};
for (const flavour of ["scalar", "simd128"])
  for (const arch of archs) pages[`${arch} wasm-${flavour}`] = await browser.open(`engine=${flavour}&model=${arch}`);
const pixels = Array.from({ length: 784 }, (_, i) => (i * 37) % 256);

for (let r = 0; r < rounds; r++) {
  const out = execFileSync(native, ["--iterations", String(iterations), ...archs.map((a) => join(repo, "models", a, "model.fb"))], { encoding: "utf8" });
  for (const line of out.trim().split("\n")) {
    const [path, set, ms] = line.split(" ");
    add(`${archs.find((a) => path.includes(`/${a}/`))} native-${set}`, Number(ms));
  }
  for (const [key, page] of Object.entries(pages)) {
    add(key, await page.evaluate((px, n) => {
      const e = window.tinydigitPage.engine;
      e.classifyPixels(new Uint8Array(px));
      return e.timeRuns(n);
    }, pixels, iterations));
  }
}
await browser.close();

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`${browser.version}; ${rounds} rounds x ${iterations} inferences, median ms per inference (wall clock)`);
for (const arch of archs) {
  const base = median(samples[`${arch} native-portable`]);
  for (const [key, v] of Object.entries(samples).filter(([k]) => k.startsWith(`${arch} `))) {
    const m = median(v);
    console.log(`${key.padEnd(28)} ${m.toFixed(3).padStart(9)} ms   x${(m / base).toFixed(2)} of native portable`);
  }
}
for (const f of ["tinydigit.wasm", "tinydigit-simd128.wasm"]) console.log(`${f}: ${statSync(join(site, f)).size} bytes`);
