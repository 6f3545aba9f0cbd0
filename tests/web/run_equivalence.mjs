// usage: node run_equivalence.mjs MODULE.wasm EXPECTED_DEFAULT_SET
// Runs the engine's equivalence core inside the WebAssembly module: every kernel set except
// the reference, 4 seeds x 250 random cases, must equal the reference byte for byte; and the
// module's default set must be the expected one (simd128 or portable). Exit 0 only if all pass.
import { readFileSync } from "node:fs";

const [file, expectedDefault] = process.argv.slice(2);
if (!file || !expectedDefault) {
  console.error("usage: node run_equivalence.mjs MODULE.wasm EXPECTED_DEFAULT_SET");
  process.exit(2);
}
const module = new WebAssembly.Module(readFileSync(file));
if (WebAssembly.Module.imports(module).length !== 0) {
  console.error(`${file}: imports ${JSON.stringify(WebAssembly.Module.imports(module))}; the engine must need none`);
  process.exit(1);
}
const x = new WebAssembly.Instance(module, {}).exports;
const text = (ptr) => {
  const mem = new Uint8Array(x.memory.buffer);
  let end = ptr;
  while (mem[end]) end++;
  return new TextDecoder().decode(mem.subarray(ptr, end));
};

let failures = 0, compared = 0;
const count = x.kernel_set_count();
for (let i = 0; i < count; i++) {
  const name = text(x.kernel_set_name(i));
  if (name === "reference") continue;
  compared++;
  for (const seed of [1, 2, 3, 0x7d1617]) {
    const pass = x.check_set(i, seed, 250);
    console.log(`${pass ? "ok  " : "FAIL"} ${name} seed ${seed}: ${x.cases_run()} cases${pass ? "" : ": " + text(x.message())}`);
    failures += pass ? 0 : 1;
  }
}
const defaultSet = text(x.default_kernel_set_name());
console.log(`default kernel set: ${defaultSet}`);
if (defaultSet !== expectedDefault) {
  console.error(`expected default kernel set ${expectedDefault}`);
  failures++;
}
if (compared === 0) {
  console.error("no optimized kernel set to compare");
  failures++;
}
process.exit(failures === 0 ? 0 : 1);
