// The latent canvas, part 1: the message format and the in-page decoder and encoder.
//
// A message is what ae_core.binpack.pack writes: "LEX1", a uint32 header length, a JSON
// header, then 8-byte-aligned arrays named in header.arrays. The decoder runs the ops
// that ae_core.webdecoder lowers a model's decoder to (linear, act, convT, conv), in
// float64 arithmetic over float32 weights, one image at a time, into preallocated buffers.
// The encoder (the drawing pad's) is the same kind of program run the other way: an image
// in, a code out, with stride-2 convolutions.

const DTYPES = { f32: Float32Array, u8: Uint8Array, u16: Uint16Array, i32: Int32Array,
  u32: Uint32Array };

let F16_TABLE = null;

function float16Table() {
  // all 65,536 half-precision values as float32: decoding a float16 array is one lookup each
  if (F16_TABLE) return F16_TABLE;
  F16_TABLE = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    let v;
    if (exp === 0) v = frac * 2 ** -24;
    else if (exp === 31) v = frac ? NaN : Infinity;
    else v = (1 + frac / 1024) * 2 ** (exp - 15);
    F16_TABLE[h] = sign * v;
  }
  return F16_TABLE;
}

export function messageHeader(bytes) {
  // the JSON header alone, without copying the arrays: enough to tell a message seen before
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(4, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
}

export function unpackMessage(bytes) {
  // copy into a fresh buffer: the bytes arrive as a view at an arbitrary (unaligned) offset
  const buffer = bytes.slice().buffer;
  const view = new DataView(buffer);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== "LEX1") throw new Error("not a latent canvas message");
  const length = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, length)));
  const arrays = {};
  for (const [name, spec] of Object.entries(header.arrays || {})) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === "f16") {
      const raw = new Uint16Array(buffer, spec.offset, count);
      const table = float16Table();
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = table[raw[i]];
      arrays[name] = out;
    } else {
      arrays[name] = new DTYPES[spec.dtype](buffer, spec.offset, count);
    }
  }
  delete header.arrays;
  return { header, arrays, size: bytes.length };
}

function erf(x) {
  // Numerical Recipes' Chebyshev fit of erfc (fractional error below 1.2e-7): far below
  // the 1e-4 pixel parity the page promises
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const y = 1 - t * Math.exp(-ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196
    + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
    + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return sign * y;
}

const ACTIVATIONS = {
  relu: () => (v) => (v > 0 ? v : 0),
  elu: (op) => { const a = op.alpha ?? 1; return (v) => (v > 0 ? v : a * Math.expm1(v)); },
  gelu: () => (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  gelu_tanh: () => (v) => 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))),
  tanh: () => Math.tanh,
  sigmoid: () => (v) => 1 / (1 + Math.exp(-v)),
};

function compileOp(op, arrays, prefix) {
  const w = op.w ? arrays[prefix + op.w] : null;
  const b = op.b ? arrays[prefix + op.b] : null;
  if (op.op === "linear") {
    const nIn = op.in, nOut = op.out;
    return { size: nOut, run(x, y) {
      for (let j = 0; j < nOut; j++) {
        let s = b[j];
        const row = j * nIn;
        for (let i = 0; i < nIn; i++) s += w[row + i] * x[i];
        y[j] = s;
      }
    } };
  }
  if (op.op === "act") {
    if (!ACTIVATIONS[op.fn]) throw new Error(`unknown activation ${op.fn}`);
    const f = ACTIVATIONS[op.fn](op);
    return { inPlace: true, run(x, n) { for (let i = 0; i < n; i++) x[i] = f(x[i]); } };
  }
  if (op.op === "convT") return compileConvT(op, w, b);
  if (op.op === "conv") return compileConv(op, w, b);
  throw new Error(`unknown op ${op.op}`);
}

function compileConvT(op, w, b) {
  // 3×3, stride 2, padding 1: each input pixel scatters into a 3×3 patch of the output.
  // Weights (cin, cout, 3, 3) are reordered to (cin, 3, 3, cout) so the inner loop is contiguous.
  const { cin, cout, ih, iw, oh, ow } = op;
  const wt = new Float32Array(w.length);
  for (let ci = 0; ci < cin; ci++) for (let co = 0; co < cout; co++)
    for (let k = 0; k < 9; k++) wt[(ci * 9 + k) * cout + co] = w[(ci * cout + co) * 9 + k];
  const plane = oh * ow;
  return { size: cout * plane, run(x, y) {
    for (let co = 0; co < cout; co++) y.fill(b[co], co * plane, (co + 1) * plane);
    for (let ci = 0; ci < cin; ci++) {
      for (let iy = 0; iy < ih; iy++) for (let ix = 0; ix < iw; ix++) {
        const v = x[(ci * ih + iy) * iw + ix];
        if (v === 0) continue;
        for (let ky = 0; ky < 3; ky++) {
          const oy = 2 * iy - 1 + ky;
          if (oy < 0 || oy >= oh) continue;
          for (let kx = 0; kx < 3; kx++) {
            const ox = 2 * ix - 1 + kx;
            if (ox < 0 || ox >= ow) continue;
            const base = (ci * 9 + ky * 3 + kx) * cout;
            const at = oy * ow + ox;
            for (let co = 0; co < cout; co++) y[co * plane + at] += v * wt[base + co];
          }
        }
      }
    }
  } };
}

function compileConv(op, w, b) {
  // 3×3, stride 1 or 2, zero padding 1, weights (cout, cin, 3, 3)
  const { cin, cout, ih, iw } = op;
  const stride = op.stride || 1, oh = op.oh || ih, ow = op.ow || iw;
  const plane = ih * iw, outPlane = oh * ow;
  return { size: cout * outPlane, run(x, y) {
    for (let co = 0; co < cout; co++) {
      for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
        let s = b[co];
        for (let ci = 0; ci < cin; ci++) {
          const wb = (co * cin + ci) * 9;
          const xb = ci * plane;
          for (let ky = 0; ky < 3; ky++) {
            const y0 = stride * oy + ky - 1;
            if (y0 < 0 || y0 >= ih) continue;
            for (let kx = 0; kx < 3; kx++) {
              const x0 = stride * ox + kx - 1;
              if (x0 < 0 || x0 >= iw) continue;
              s += w[wb + ky * 3 + kx] * x[xb + y0 * iw + x0];
            }
          }
        }
        y[co * outPlane + oy * ow + ox] = s;
      }
    }
  } };
}

function compileProgram(ops, arrays, prefix, nIn, nOut) {
  // run(x) → Float64Array view of the last nOut values (valid until the next run)
  const steps = ops.map((op) => compileOp(op, arrays, prefix));
  let width = nIn;
  for (const s of steps) if (s.size) width = Math.max(width, s.size);
  let a = new Float64Array(width), b = new Float64Array(width);
  return (x) => {
    let n = nIn;
    for (let i = 0; i < n; i++) a[i] = x[i];
    for (const s of steps) {
      if (s.inPlace) { s.run(a, n); continue; }
      s.run(a, b);
      n = s.size;
      [a, b] = [b, a];
    }
    return a.subarray(0, nOut);
  };
}

export function createDecoder(spec, arrays, prefix = "") {
  // spec: {latent_dim, output_shape: [C, H, W], ops}; arrays: the message's arrays, whose
  // names are prefix + the op's tensor names. Returns decode(z) → Float64Array (C·H·W).
  const [c, h, w] = spec.output_shape;
  const run = compileProgram(spec.ops, arrays, prefix, spec.latent_dim, c * h * w);
  return { latentDim: spec.latent_dim, shape: spec.output_shape, decode: run };
}

export function createEncoder(spec, arrays, prefix = "enc:") {
  // spec: {input_shape: [C, H, W], latent_dim, ops}. Returns encode(x) → Float64Array (d)
  // for an image x flattened channel-major, values in [0, 1].
  const [c, h, w] = spec.input_shape;
  const run = compileProgram(spec.ops, arrays, prefix, c * h * w, spec.latent_dim);
  return { latentDim: spec.latent_dim, shape: spec.input_shape, encode: run };
}

export function imageToRGBA(pixels, shape, out) {
  // (C, H, W) in [0, 1] (clipped) → RGBA bytes; one channel is grey
  const [c, h, w] = shape;
  const plane = h * w;
  for (let i = 0; i < plane; i++) {
    const r = pixels[i];
    const g = c === 3 ? pixels[plane + i] : r;
    const bl = c === 3 ? pixels[2 * plane + i] : r;
    out[4 * i] = 255 * Math.min(1, Math.max(0, r)) + 0.5;
    out[4 * i + 1] = 255 * Math.min(1, Math.max(0, g)) + 0.5;
    out[4 * i + 2] = 255 * Math.min(1, Math.max(0, bl)) + 0.5;
    out[4 * i + 3] = 255;
  }
  return out;
}
