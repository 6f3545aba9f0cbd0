// The tinydigit engine as a WebAssembly module: a thin wrapper over its C API (c_api.h) and
// the buffers web/src/web_buffers.cpp provides. No heap: every buffer is a fixed address.
const kInfoBytes = 80; // sizeof(td_operator_info), asserted in web_buffers.cpp

// A module that uses one SIMD128 instruction: valid only where the browser has SIMD128.
const kSimdProbe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10,
  1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
export function browserHasSimd128() {
  return WebAssembly.validate(kSimdProbe);
}

export class TinyDigitEngine {
  // flavour: "simd128" or "scalar" (tinydigit-simd128.wasm / tinydigit.wasm next to the page).
  static async create(flavour) {
    const file = flavour === "simd128" ? "tinydigit-simd128.wasm" : "tinydigit.wasm";
    const response = await fetch(file);
    if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
    const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), {});
    return new TinyDigitEngine(instance.exports, flavour);
  }

  constructor(exports, flavour) {
    this.x = exports;
    this.flavour = flavour;
    this.active = -1; // engine slot holding the current model; -1: none yet
  }

  bytes(ptr, n) { return new Uint8Array(this.x.memory.buffer, ptr, n); }
  int8(ptr, n) { return new Int8Array(this.x.memory.buffer, ptr, n); }
  cString(ptr) {
    const mem = new Uint8Array(this.x.memory.buffer);
    let end = ptr;
    while (mem[end] !== 0) end++;
    return new TextDecoder().decode(mem.subarray(ptr, end));
  }
  statusText(status) {
    return { status, name: this.cString(this.x.td_status_name(status)), message: this.cString(this.x.td_status_message(status)) };
  }

  get engine() { return this.x.web_engine_slot(this.active); }
  get loaded() { return this.active >= 0; }

  // Verifies and loads model.fb bytes into the idle slot; only success replaces the current
  // model. Returns {ok, status, name, message}.
  loadModel(modelBytes) {
    const idle = this.active === 1 ? 0 : 1;
    if (modelBytes.length > this.x.web_model_capacity()) {
      return { ok: false, status: -1, name: "tooLarge", message: `larger than ${this.x.web_model_capacity()} bytes` };
    }
    const slot = this.x.web_model_slot(idle);
    this.bytes(slot, modelBytes.length).set(modelBytes);
    const engine = this.x.web_engine_slot(idle);
    let status = this.x.td_load(engine, slot, modelBytes.length);
    if (status === 0) status = this.x.td_bind_arena(engine, this.x.web_arena(), this.x.web_arena_capacity());
    if (status !== 0) return { ok: false, ...this.statusText(status) };
    this.active = idle;
    return { ok: true, ...this.statusText(0) };
  }

  // predict's normalization (host_support/images) of a width x height gray image (0 = black):
  // {outcome, digit} with outcome 0 used as is, 1 normalized, 2/3 no digit.
  normalize(gray, width, height) {
    const side = this.x.web_image_max_side();
    if (width > side || height > side) throw new Error(`image larger than ${side}x${side}`);
    this.bytes(this.x.web_image(), width * height).set(gray);
    const outcome = this.x.web_normalize(width, height);
    return { outcome, digit: this.bytes(this.x.web_digit(), 784).slice() };
  }

  // Runs the model on 784 pixels (0..255, q = p - 128) or int8 values; returns int8 logits,
  // softmax probabilities of the dequantized logits, argmax and the run's time in ms.
  classifyPixels(pixels) { return this.classify(pixels, false); }
  classifyInt8(values) { return this.classify(values, true); }
  classify(input, isInt8) {
    const engine = this.engine;
    const n = this.x.td_input_size(engine);
    if (input.length !== n) throw new Error(`the model takes ${n} inputs, got ${input.length}`);
    const buffer = this.x.web_image();
    this.bytes(buffer, n).set(isInt8 ? new Uint8Array(input.buffer, input.byteOffset, n) : input);
    const set = isInt8 ? this.x.td_set_input_int8 : this.x.td_set_input_pixels;
    let status = set(engine, buffer, n);
    this.lastInputIsInt8 = isInt8; // web_image() keeps the input for layerOutputs()
    const start = performance.now();
    if (status === 0) status = this.x.td_run(engine);
    const ms = performance.now() - start;
    if (status !== 0) throw new Error(`run: ${this.statusText(status).message}`);
    const classes = this.x.td_output_size(engine);
    const logits = this.int8(this.x.td_output(engine), classes).slice();
    let probabilities = null;
    if (classes === 10 && this.x.td_probabilities(engine, this.x.web_probabilities(), 10) === 0) {
      probabilities = new Float32Array(this.x.memory.buffer, this.x.web_probabilities(), 10).slice();
    }
    return { logits, probabilities, argmax: this.x.td_argmax(engine), ms };
  }

  // Runs `count` inferences on the current input; milliseconds per inference (benchmarks).
  timeRuns(count) {
    const engine = this.engine;
    const start = performance.now();
    for (let i = 0; i < count; i++) this.x.td_run(engine);
    return (performance.now() - start) / count;
  }

  // The engine's read-only view of the model it verified (what inspect prints).
  operators() {
    const engine = this.engine;
    const info = this.x.web_operator_info();
    const ops = [];
    for (let i = 0; i < this.x.td_operator_count(engine); i++) {
      if (this.x.td_get_operator_info(engine, i, info) !== 0) break;
      const v = new DataView(this.x.memory.buffer, info, kInfoBytes);
      const shape = (rankAt) => {
        const rank = v.getInt32(rankAt, true);
        return Array.from({ length: rank }, (_, d) => v.getInt32(rankAt + 4 + 4 * d, true));
      };
      ops.push({
        kind: this.cString(v.getUint32(0, true)),
        name: this.cString(v.getUint32(4, true)),
        inputTensor: v.getInt32(8, true),
        outputTensor: v.getInt32(12, true),
        inputShape: shape(16),
        outputShape: shape(36),
        macs: Number(v.getBigUint64(56, true)),
        outputBytes: v.getUint32(64, true),
        outputOffset: v.getInt32(68, true),
        scratchOffset: v.getInt32(72, true),
        scratchBytes: v.getUint32(76, true),
      });
    }
    return ops;
  }
  // Runs the current input again one operator at a time and copies each output as it is
  // written: the memory plan reuses arena bytes, so after a whole run only the last
  // operators' outputs are still intact. Returns one Int8Array per operator.
  // The input is set again first: later operators' outputs overwrite the input's bytes too.
  layerOutputs(ops) {
    const engine = this.engine;
    const n = this.x.td_input_size(engine);
    const set = this.lastInputIsInt8 ? this.x.td_set_input_int8 : this.x.td_set_input_pixels;
    set(engine, this.x.web_image(), n);
    return ops.map((op, i) => {
      const status = this.x.td_run_operator(engine, i);
      if (status !== 0) throw new Error(`operator ${i}: ${this.statusText(status).message}`);
      return this.tensor(op.outputTensor, op.outputBytes);
    });
  }
  arenaBytes() { return this.x.td_arena_bytes(this.engine); }
  scratchPeakBytes() { return this.x.td_scratch_peak_bytes(this.engine); }
  tensor(index, count) { return this.int8(this.x.td_tensor_data(this.engine, index), count).slice(); }
}
