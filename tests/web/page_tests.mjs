// The web page (web/) in headless Chromium, as a user meets it (issue 16).
//
// usage: node page_tests.mjs --site DIR --repo DIR [--predict PATH] CASE [ARG...]
//   golden ARCH FLAVOUR   the page reproduces tests/golden/ARCH (int8 logits of the 100 golden
//                         digits, and the layer view's tensors for the digits in layers.csv)
//   draw                  a "1" (mouse) and a "7" (touch) drawn on the canvas are recognised, and
//                         the 28x28 input equals `predict --tensor` on the canvas saved as PNG
//   reject                a truncated model (file picker) and a bit-flipped one (dropped) are refused
//                         with the engine's status; the previous model keeps classifying
//   flavours              the SIMD128 and scalar modules give identical logits
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

import { openBrowser } from "./browser.mjs";

function parseArgs(argv) {
  const opts = { rest: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith("--")) opts[argv[i].slice(2)] = argv[++i];
    else opts.rest.push(argv[i]);
  }
  return opts;
}
const opts = parseArgs(process.argv.slice(2));
const [testCase, ...caseArgs] = opts.rest;
if (!opts.site || !opts.repo || !testCase) {
  console.error("usage: node page_tests.mjs --site DIR --repo DIR [--predict PATH] CASE [ARG...]");
  process.exit(2);
}

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

// tests/golden/ARCH: the IDX digits and expected.csv / layers.csv (docs/format.md).
function readGolden(arch) {
  const dir = join(opts.repo, "tests", "golden", arch);
  const idx = readFileSync(join(dir, "golden-images-idx3-ubyte"));
  const count = idx.readUInt32BE(4);
  const images = Array.from({ length: count }, (_, i) => Array.from(idx.subarray(16 + 784 * i, 16 + 784 * (i + 1))));
  const rows = (file) => readFileSync(join(dir, file), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
  const expected = rows("expected.csv").map((r) => ({ image: +r[0], logits: r.slice(4, 14).map(Number) }));
  const layers = rows("layers.csv").map((r) => ({ image: +r[0], op: +r[1], tensor: r[2], bytes: +r[3], checksum: r[4] }));
  return { images, expected, layers };
}

async function goldenCase(browser, arch, flavour) {
  const golden = readGolden(arch);
  check(golden.expected.length >= 100, `${arch}: ${golden.expected.length} golden digits`);
  const page = await browser.open(`engine=${flavour}&model=${arch}`);
  const got = await page.evaluate((images, layerImages) => {
    const app = window.tinydigitPage;
    const fnv1a = (bytes) => {
      let h = 0x811c9dc5;
      for (const b of bytes) h = Math.imul(h ^ (b & 0xff), 0x01000193) >>> 0;
      return "0x" + h.toString(16).padStart(8, "0");
    };
    const ops = app.engine.operators();
    return images.map((pixels, i) => {
      const r = app.engine.classifyPixels(new Uint8Array(pixels));
      // What the layer view draws for this digit.
      const layers = layerImages.includes(i)
        ? app.engine.layerOutputs(ops).map((data, k) => ({ tensor: ops[k].name, bytes: ops[k].outputBytes, checksum: fnv1a(data) }))
        : null;
      return { logits: Array.from(r.logits), layers, flavour: app.engine.flavour };
    });
  }, golden.images, [...new Set(golden.layers.map((l) => l.image))]);
  check(got.every((g) => g.flavour === flavour), `${arch}: the page runs the ${flavour} module`);
  const bad = golden.expected.filter((e) => !same(got[e.image].logits, e.logits));
  check(bad.length === 0, `${arch} ${flavour}: int8 logits of ${golden.expected.length} golden digits equal the host engine's` +
    (bad.length ? ` (first mismatch: digit ${bad[0].image}: page ${got[bad[0].image].logits} host ${bad[0].logits})` : ""));
  const badLayers = golden.layers.filter((l) => {
    const mine = got[l.image].layers?.[l.op];
    return !mine || mine.tensor !== l.tensor || mine.bytes !== l.bytes || mine.checksum !== l.checksum;
  });
  check(golden.layers.length > 0 && badLayers.length === 0,
    `${arch} ${flavour}: the layer view's ${golden.layers.length} per-operator tensors match layers.csv` +
    (badLayers.length ? ` (first: digit ${badLayers[0].image} op ${badLayers[0].op}: page ${JSON.stringify(got[badLayers[0].image].layers?.[badLayers[0].op])}, layers.csv ${badLayers[0].tensor} ${badLayers[0].bytes} ${badLayers[0].checksum})` : ""));
}

// 8-bit grayscale PNG (what predict reads), written without dependencies.
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function grayPng(width, height, pixels) {
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (gray), no interlace
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) Buffer.from(pixels.slice(y * width, (y + 1) * width)).copy(raw, y * (width + 1) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

// Strokes in canvas pixels (the canvas is 280x280 CSS pixels at its top-left corner `box`).
async function drawWithMouse(page, box, points) {
  await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 12 });
  await page.mouse.up();
}
async function drawWithTouch(page, box, points) {
  await page.touchscreen.touchStart(box.x + points[0][0], box.y + points[0][1]);
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1], [bx, by] = points[i];
    for (let s = 1; s <= 12; s++) await page.touchscreen.touchMove(box.x + ax + (bx - ax) * s / 12, box.y + ay + (by - ay) * s / 12);
  }
  await page.touchscreen.touchEnd();
}

async function drawCase(browser) {
  if (!opts.predict) throw new Error("draw needs --predict PATH (the host predict tool)");
  const dir = mkdtempSync(join(tmpdir(), "tinydigit-web-"));
  try {
    const page = await browser.open("model=seed");
    const box = await (await page.$("#pad")).boundingBox();
    const strokes = [
      { digit: 1, draw: drawWithMouse, how: "mouse", points: [[150, 40], [138, 240]] },
      { digit: 7, draw: drawWithTouch, how: "touch", points: [[70, 55], [210, 55], [120, 245]] },
    ];
    for (const s of strokes) {
      await page.evaluate(() => window.tinydigitPage.clear());
      await s.draw(page, box, s.points);
      const shown = await page.evaluate(() => new Promise((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(window.tinydigitPage.lastResult)))));
      check(shown !== null && shown.argmax === s.digit,
        `a "${s.digit}" drawn with ${s.how} pointer events is recognised live (page says ${shown?.argmax})`);
      const { width, height, pixels, input, logits } = await page.evaluate(() => {
        const app = window.tinydigitPage;
        app.classifyPad();
        return { ...app.padGray(), input: app.lastInput, logits: app.lastResult.logits };
      });
      const png = join(dir, `drawn-${s.digit}.png`);
      writeFileSync(png, grayPng(width, height, pixels));
      const out = execFileSync(opts.predict, ["--tensor", join(opts.repo, "models", "seed", "model.fb"), png], { encoding: "utf8" });
      const line = (label) => out.split("\n").find((l) => l.trim().startsWith(label)).trim().slice(label.length).trim().split(/\s+/).map(Number);
      check(same(line("tensor:"), input), `"${s.digit}": the page's 28x28 input equals predict --tensor on the canvas as PNG`);
      check(same(line("int8 logits:"), logits), `"${s.digit}": the page's int8 logits equal predict's`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rejectCase(browser) {
  const golden = readGolden("compact");
  const model = readFileSync(join(opts.repo, "models", "compact", "model.fb"));
  const dir = mkdtempSync(join(tmpdir(), "tinydigit-web-"));
  try {
    const page = await browser.open("model=compact");
    const classify = () => page.evaluate((px) => Array.from(window.tinydigitPage.engine.classifyPixels(new Uint8Array(px)).logits), golden.images[0]);
    const before = await classify();
    check(same(before, golden.expected[0].logits), "compact classifies golden digit 0 as the host engine does");

    // A truncated file, through the file picker.
    const truncated = join(dir, "truncated.fb");
    writeFileSync(truncated, model.subarray(0, Math.floor(model.length / 2)));
    await (await page.$("#model-file")).uploadFile(truncated);
    await page.waitForFunction(() => !document.getElementById("model-error").hidden);
    const shownTruncated = await page.$eval("#model-error", (e) => e.textContent);
    const expectTruncated = await page.evaluate(() => { // status 4: kMalformedModel (engine/README.md)
      const e = window.tinydigitPage.engine;
      return `${e.statusText(4).name}: ${e.statusText(4).message}`;
    });
    check(shownTruncated.includes(`truncated.fb rejected: ${expectTruncated}`),
      `a truncated model is refused with the engine's status: "${shownTruncated}"`);
    check(same(await classify(), before) && (await page.evaluate(() => window.tinydigitPage.modelName)) === "compact/model.fb",
      "after the truncated model the page still classifies with the previous model");

    // One flipped bit in the file identifier ("TDM8" at bytes 4..7), dropped on the page.
    const flipped = Buffer.from(model);
    flipped[4] ^= 0x01;
    await page.evaluate((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], "flipped.fb"));
      document.getElementById("drop-zone").dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, Array.from(flipped));
    await page.waitForFunction(() => document.getElementById("model-error").textContent.includes("flipped.fb"));
    const shownFlipped = await page.$eval("#model-error", (e) => e.textContent);
    const expectFlipped = await page.evaluate(() => { // status 3: kNotAModel
      const e = window.tinydigitPage.engine;
      return `${e.statusText(3).name}: ${e.statusText(3).message}`;
    });
    check(expectFlipped.startsWith("kNotAModel: ") && shownFlipped.includes(`flipped.fb rejected: ${expectFlipped}`),
      `a bit-flipped model dropped on the page is refused with the engine's status: "${shownFlipped}"`);
    check(same(await classify(), before), "after the bit-flipped model the page still classifies with the previous model");

    // A good model replaces it and clears the error.
    const good = await page.evaluate((bytes) => window.tinydigitPage.loadModelBytes(bytes, "compact again"), Array.from(model));
    check(good.ok && (await page.$eval("#model-error", (e) => e.hidden)), "a valid model loads and clears the error");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function flavoursCase(browser) {
  for (const arch of ["seed", "compact"]) {
    const inputs = [];
    let state = 12345;
    for (let n = 0; n < 50; n++) {
      inputs.push(Array.from({ length: 784 }, () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24) - 128));
    }
    const run = async (flavour) => {
      const page = await browser.open(`engine=${flavour}&model=${arch}`);
      return page.evaluate((xs) => xs.map((x) => Array.from(window.tinydigitPage.engine.classifyInt8(new Int8Array(x)).logits)), inputs);
    };
    const [simd, scalar] = [await run("simd128"), await run("scalar")];
    check(simd.every((l, i) => same(l, scalar[i])), `${arch}: SIMD128 and scalar modules give identical int8 logits on ${inputs.length} random inputs`);
  }
}

const cases = { golden: goldenCase, draw: drawCase, reject: rejectCase, flavours: flavoursCase };
if (!cases[testCase]) {
  console.error(`unknown case ${testCase}`);
  process.exit(2);
}
const browser = await openBrowser(opts.site);
console.log(`browser: ${browser.version}`);
try {
  await cases[testCase](browser, ...caseArgs);
} catch (e) {
  console.error(`FAIL ${testCase}: ${e.stack || e}`);
  failures++;
} finally {
  try { await browser.close(); } catch (e) { console.error(`FAIL ${e.message}`); failures++; }
}
process.exit(failures === 0 ? 0 : 1);
