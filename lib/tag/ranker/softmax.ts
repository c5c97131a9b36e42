// L2-regularised multinomial logistic regression on sparse vectors, fitted with L-BFGS. Small and
// exact enough for codebooks (tens of classes, thousands of features, up to some thousands of
// passages), deterministic (no random start, no sampling), so the same data always gives the same model.
// Besides ordinary labelled samples (a target distribution over classes) it takes negative samples
// ("not class k": a reviewer's rejection), each adding -log(1 - p_k) to the loss.

export interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

export interface PositiveSample {
  x: SparseVector;
  /** Target distribution over classes: [class, share] with shares summing to 1. */
  target: Array<[number, number]>;
  weight: number;
}

export interface NegativeSample {
  x: SparseVector;
  cls: number;
  weight: number;
}

export interface SoftmaxModel {
  classes: number;
  features: number;
  /** Row-major weights: weights[c * features + f]. */
  weights: Float64Array;
  bias: Float64Array;
}

export interface FitOptions {
  /** L2 penalty on the weights and biases. */
  l2: number;
  maxIterations: number;
  /** Stop when the gradient's largest component falls below this. */
  tolerance: number;
}

export const DEFAULT_FIT: FitOptions = { l2: 0.01, maxIterations: 150, tolerance: 1e-5 };

/** Class scores (logits) of one vector. */
export function logits(m: SoftmaxModel, x: SparseVector, out = new Float64Array(m.classes)): Float64Array {
  for (let c = 0; c < m.classes; c++) {
    let z = m.bias[c]!;
    const row = c * m.features;
    for (let j = 0; j < x.index.length; j++) z += m.weights[row + x.index[j]!]! * x.value[j]!;
    out[c] = z;
  }
  return out;
}

/** Softmax in place; returns the array. */
export function softmaxInPlace(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
  return z;
}

/** Fits the model; `classes` and `features` give its shape. */
export function fitSoftmax(
  classes: number,
  features: number,
  positives: readonly PositiveSample[],
  negatives: readonly NegativeSample[],
  opts: FitOptions = DEFAULT_FIT,
): SoftmaxModel {
  const nW = classes * features;

  const l2 = opts.l2;
  const model: SoftmaxModel = { classes, features, weights: new Float64Array(nW), bias: new Float64Array(classes) };
  const z = new Float64Array(classes);
  const dz = new Float64Array(classes);

  // Loss and gradient at theta = [weights, bias] (views into one array).
  const evaluate = (theta: Float64Array, grad: Float64Array): number => {
    model.weights = theta.subarray(0, nW);
    model.bias = theta.subarray(nW);
    grad.fill(0);
    let loss = 0;
    const accumulate = (x: SparseVector) => {
      for (let c = 0; c < classes; c++) {
        const d = dz[c]!;
        if (d === 0) continue;
        grad[nW + c]! += d;
        const row = c * features;
        for (let j = 0; j < x.index.length; j++) grad[row + x.index[j]!]! += d * x.value[j]!;
      }
    };
    for (const s of positives) {
      softmaxInPlace(logits(model, s.x, z));
      for (let c = 0; c < classes; c++) dz[c] = s.weight * z[c]!;
      for (const [c, share] of s.target) {
        loss -= s.weight * share * Math.log(Math.max(z[c]!, 1e-300));
        dz[c]! -= s.weight * share;
      }
      accumulate(s.x);
    }
    for (const s of negatives) {
      softmaxInPlace(logits(model, s.x, z));
      const pk = Math.min(z[s.cls]!, 1 - 1e-12);
      loss -= s.weight * Math.log(1 - pk);
      const f = (s.weight * pk) / (1 - pk);
      for (let c = 0; c < classes; c++) dz[c] = -f * z[c]!;
      dz[s.cls]! += f;
      accumulate(s.x);
    }
    // Biases are penalised too: with a few classes reviewed many times and others never, free biases
    // would learn "reviewed so far" instead of what the passages say.
    for (let i = 0; i < nW + classes; i++) {
      const w = theta[i]!;
      loss += 0.5 * l2 * w * w;
      grad[i]! += l2 * w;
    }
    return loss;
  };

  const theta = lbfgs(nW + classes, evaluate, opts);
  model.weights = theta.subarray(0, nW);
  model.bias = theta.subarray(nW);
  return model;
}

/** Limited-memory BFGS (two-loop recursion, m = 8) with a backtracking Armijo line search. */
function lbfgs(n: number, f: (x: Float64Array, g: Float64Array) => number, opts: FitOptions): Float64Array {
  const m = 8;
  let x = new Float64Array(n);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const alpha = new Array<number>(m);
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
    return s;
  };
  const maxAbs = (a: Float64Array) => a.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  for (let it = 0; it < opts.maxIterations && maxAbs(g) > opts.tolerance; it++) {
    // Two-loop recursion: dir = -H g.
    for (let i = 0; i < n; i++) dir[i] = -g[i]!;
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(S[k]!, dir);
      const y = Y[k]!;
      for (let i = 0; i < n; i++) dir[i]! -= alpha[k]! * y[i]!;
    }
    if (S.length) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let i = 0; i < n; i++) dir[i]! *= gamma;
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) dir[i]! *= scale;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k]! * dot(Y[k]!, dir);
      const s = S[k]!;
      for (let i = 0; i < n; i++) dir[i]! += s[i]! * (alpha[k]! - beta);
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (curvature lost): restart from the gradient.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i]!;
      slope = dot(g, dir);
    }
    let step = 1;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = Infinity;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * dir[i]!;
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx)) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const converged = Math.abs(fx - fNew) < 1e-10 * Math.max(1, Math.abs(fx));
    x = xNew;
    g = gNew;
    fx = fNew;
    if (converged) break;
  }
  // Leave the model's views on the final point.
  f(x, g);
  return x;
}
