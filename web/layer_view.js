// The layer view: every operator's output maps as small images (HWC int8, one image per
// channel, -128 black .. 127 white), with shapes, MACs and the memory plan's arena offsets.
const kMapPixels = 48; // each map is scaled to about this many CSS pixels

const number = (n) => n.toLocaleString("en-US");

export function describePlan(engine, ops) {
  const macs = ops.reduce((sum, op) => sum + op.macs, 0);
  return `${ops.length} operators, ${number(macs)} MACs per image; arena ${number(engine.arenaBytes())} bytes ` +
    `(scratch peak ${number(engine.scratchPeakBytes())})`;
}

// Builds the static part (one block per operator); update() redraws the maps after a run.
export class LayerView {
  constructor(container) {
    this.container = container;
    this.layers = [];
  }

  build(ops) {
    this.container.replaceChildren();
    this.layers = ops.map((op, index) => {
      const block = document.createElement("div");
      block.className = "layer";
      const scratch = op.scratchBytes > 0 ? `, scratch ${number(op.scratchBytes)} B at ${op.scratchOffset}` : "";
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = `#${index} ${op.kind} → ${op.name || "tensor " + op.outputTensor}: ` +
        `${op.inputShape.join("×")} → ${op.outputShape.join("×")}, ${number(op.macs)} MACs, ` +
        `output ${number(op.outputBytes)} B at arena offset ${op.outputOffset}${scratch}`;
      const maps = document.createElement("div");
      maps.className = "maps";
      block.append(meta, maps);
      this.container.append(block);
      const maps2d = op.outputShape.length === 3;
      const [h, w, c] = maps2d ? op.outputShape : [1, op.outputBytes, 1];
      // Maps about kMapPixels wide; a vector (FullyConnected) as one strip of 8-pixel cells.
      const scale = maps2d ? Math.max(1, Math.floor(kMapPixels / Math.max(h, w))) : 8;
      const canvases = [];
      for (let ch = 0; ch < c; ch++) {
        const canvas = document.createElement("canvas");
        canvas.width = w;
        canvas.height = h;
        canvas.style.width = `${w * scale}px`;
        canvas.style.height = `${Math.max(h * scale, 8)}px`;
        canvas.title = `${op.name} channel ${ch}`;
        maps.append(canvas);
        canvases.push(canvas);
      }
      return { op, h, w, c, canvases };
    });
  }

  update(engine) {
    const outputs = engine.layerOutputs(this.layers.map((layer) => layer.op));
    this.layers.forEach((layer, index) => {
      const data = outputs[index];
      layer.canvases.forEach((canvas, ch) => {
        const ctx = canvas.getContext("2d");
        const image = ctx.createImageData(layer.w, layer.h);
        for (let i = 0; i < layer.h * layer.w; i++) {
          const v = data[i * layer.c + ch] + 128;
          image.data.set([v, v, v, 255], 4 * i);
        }
        ctx.putImageData(image, 0, 0);
      });
    });
  }
}
