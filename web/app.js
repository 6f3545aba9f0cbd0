// The page: drawing, live prediction, the layer view and model loading. Everything the
// network computes comes from the engine (engine.js); this file only draws.
import { TinyDigitEngine, browserHasSimd128 } from "./engine.js";
import { LayerView, describePlan } from "./layer_view.js";

const $ = (id) => document.getElementById(id);
const pad = $("pad");
const ctx = pad.getContext("2d", { willReadFrequently: true });
const layerView = new LayerView($("layers"));
const params = new URLSearchParams(location.search);

let engine = null;
let modelName = "";
let lastInput = null; // the 28x28 pixels of the last classification
let lastResult = null;
let pending = false;

function clearPad() {
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, pad.width, pad.height);
  lastInput = null;
  lastResult = null;
  showInput(null, "draw a digit");
  showResult(null);
}

// Strokes: white, round, about as thick relative to the field as MNIST's pen.
ctx.lineCap = "round";
ctx.lineJoin = "round";
let last = null;
function point(event) {
  const r = pad.getBoundingClientRect();
  return [(event.clientX - r.left) * (pad.width / r.width), (event.clientY - r.top) * (pad.height / r.height)];
}
function strokeTo(p) {
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 20;
  ctx.beginPath();
  ctx.moveTo(...(last || p));
  ctx.lineTo(...p);
  ctx.stroke();
  last = p;
  scheduleClassify();
}
pad.addEventListener("pointerdown", (e) => {
  pad.setPointerCapture(e.pointerId);
  last = null;
  strokeTo(point(e));
});
pad.addEventListener("pointermove", (e) => {
  if (last) strokeTo(point(e));
});
const endStroke = () => { last = null; };
pad.addEventListener("pointerup", endStroke);
pad.addEventListener("pointercancel", endStroke);
$("clear").addEventListener("click", clearPad);

// The canvas as gray pixels (strokes are white on black, so every channel holds the value).
function padGray() {
  const rgba = ctx.getImageData(0, 0, pad.width, pad.height).data;
  const gray = new Uint8Array(pad.width * pad.height);
  for (let i = 0; i < gray.length; i++) gray[i] = rgba[4 * i];
  return gray;
}

function scheduleClassify() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    classifyPad();
  });
}

function classifyPad() {
  if (!engine?.loaded) return null;
  const { outcome, digit } = engine.normalize(padGray(), pad.width, pad.height);
  if (outcome > 1) {
    showInput(null, "no digit yet");
    showResult(null);
    return null;
  }
  showInput(digit, outcome === 0 ? "used as is" : "fitted to 20×20, centred by mass (as predict does)");
  return classifyDigit(digit);
}

function classifyDigit(digit) {
  lastInput = digit;
  lastResult = engine.classifyPixels(digit);
  showResult(lastResult);
  layerView.update(engine);
  return lastResult;
}

function showInput(digit, note) {
  const view = $("input-view").getContext("2d");
  const image = view.createImageData(28, 28);
  for (let i = 0; i < 784; i++) image.data.set([digit?.[i] ?? 0, digit?.[i] ?? 0, digit?.[i] ?? 0, 255], 4 * i);
  const tmp = new OffscreenCanvas(28, 28);
  tmp.getContext("2d").putImageData(image, 0, 0);
  view.imageSmoothingEnabled = false;
  view.drawImage(tmp, 0, 0, 140, 140);
  $("input-note").textContent = note;
}

function showResult(result) {
  const bars = $("bars");
  bars.replaceChildren();
  $("prediction").textContent = result ? String(result.argmax) : "";
  $("logits").textContent = result ? Array.from(result.logits).join(" ") : "";
  $("time").textContent = result ? `${result.ms.toFixed(2)} ms (${engine.flavour})` : "";
  if (!result?.probabilities) return;
  result.probabilities.forEach((p, k) => {
    const row = document.createElement("div");
    row.className = "bar";
    row.innerHTML = `<span>${k}</span><div class="track"><div class="fill" style="width:${(100 * p).toFixed(1)}%"></div></div>` +
      `<span>${(100 * p).toFixed(1)} %</span>`;
    bars.append(row);
  });
}

// Loading a model: the engine's verifier decides; a rejected file leaves the current model.
function loadModelBytes(bytes, name) {
  const result = engine.loadModel(bytes);
  if (!result.ok) {
    $("model-error").hidden = false;
    $("model-error").textContent = `${name} rejected: ${result.name}: ${result.message} (still using ${modelName})`;
    return result;
  }
  $("model-error").hidden = true;
  modelName = name;
  const ops = engine.operators();
  $("model-status").textContent = `model: ${name}, ${bytes.length.toLocaleString("en-US")} bytes, verified by the engine`;
  $("plan").textContent = describePlan(engine, ops);
  layerView.build(ops);
  if (lastInput) classifyDigit(lastInput);
  else classifyPad();
  return result;
}

async function loadBuiltInModel(arch) {
  const response = await fetch(`models/${arch}.fb`);
  if (!response.ok) throw new Error(`models/${arch}.fb: HTTP ${response.status}`);
  return loadModelBytes(new Uint8Array(await response.arrayBuffer()), `${arch}/model.fb`);
}

async function loadFile(file) {
  return loadModelBytes(new Uint8Array(await file.arrayBuffer()), file.name);
}

$("model-select").addEventListener("change", (e) => loadBuiltInModel(e.target.value));
$("model-file").addEventListener("change", (e) => e.target.files[0] && loadFile(e.target.files[0]));
const drop = $("drop-zone");
for (const target of [drop, document.body]) {
  target.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  target.addEventListener("dragleave", () => drop.classList.remove("over"));
  target.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files[0]) loadFile(e.dataTransfer.files[0]);
  });
}

async function startEngine(flavour) {
  const next = await TinyDigitEngine.create(flavour);
  engine = next;
  $("engine-select").value = flavour;
  await loadBuiltInModel($("model-select").value);
}
$("engine-select").addEventListener("change", (e) => startEngine(e.target.value));

// What tests and benchmarks drive (tests/web/, benchmarks/web_latency.mjs).
window.tinydigitPage = {
  get engine() { return engine; },
  get modelName() { return modelName; },
  get lastInput() { return lastInput && Array.from(lastInput); },
  get lastResult() { return lastResult && { argmax: lastResult.argmax, logits: Array.from(lastResult.logits) }; },
  startEngine,
  loadBuiltInModel,
  loadModelBytes: (bytes, name) => loadModelBytes(new Uint8Array(bytes), name),
  classifyPad: () => { const r = classifyPad(); return r && { argmax: r.argmax, logits: Array.from(r.logits) }; },
  padGray: () => ({ width: pad.width, height: pad.height, pixels: Array.from(padGray()) }),
  clear: clearPad,
};

clearPad();
const flavour = params.get("engine") || (browserHasSimd128() ? "simd128" : "scalar");
if (params.get("model")) $("model-select").value = params.get("model");
window.tinydigitReady = startEngine(flavour).then(() => true, (error) => {
  $("model-error").hidden = false;
  $("model-error").textContent = `could not start: ${error.message}`;
  throw error;
});
