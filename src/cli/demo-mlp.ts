/**
 * The quick-start demo: a small MLP learns a synthetic three-class spiral on the CPU and prints
 * its loss falling. Built only from the public ops, so it doubles as an end-to-end check.
 * (The command-line tour will replace it as the main job.)
 */
import {
  Generator, Tensor, add, backendInfo, crossEntropy, gelu, matmul, noGrad, randn,
} from '../index.ts';

export interface DemoOptions {
  steps?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** Three interleaved spirals: n points per class, 2-D inputs, integer labels. */
export function spirals(n: number, g: Generator): { x: Tensor; y: Int32Array } {
  const x = new Float32Array(3 * n * 2);
  const y = new Int32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      const r = i / n;
      const t = (c * 4 + 4 * r) + 0.2 * g.normal();
      const k = c * n + i;
      x[2 * k] = r * Math.sin(t);
      x[2 * k + 1] = r * Math.cos(t);
      y[k] = c;
    }
  }
  return { x: new Tensor(x, [3 * n, 2]), y };
}

function accuracy(logits: Tensor, y: Int32Array): number {
  const classes = logits.shape[1];
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (logits.data[i * classes + j] > logits.data[i * classes + best]) best = j;
    if (best === y[i]) right++;
  }
  return right / y.length;
}

export function runDemo(options: DemoOptions = {}): { firstLoss: number; lastLoss: number; accuracy: number } {
  const log = options.log ?? console.log;
  const steps = options.steps ?? 600;
  const g = new Generator(options.seed ?? 0);
  const { x, y } = spirals(200, g);
  const hidden = 64;
  const param = (rows: number, cols: number) => randn([rows, cols], { generator: g, std: Math.sqrt(2 / rows), requiresGrad: true });
  const params = [param(2, hidden), param(1, hidden), param(hidden, hidden), param(1, hidden), param(hidden, 3), param(1, 3)];
  for (const b of [params[1], params[3], params[5]]) b.data.fill(0);
  const velocity = params.map((p) => new Float32Array(p.size));
  const forward = (input: Tensor) => {
    const [w1, b1, w2, b2, w3, b3] = params;
    const h1 = gelu(add(matmul(input, w1), b1));
    const h2 = gelu(add(matmul(h1, w2), b2));
    return add(matmul(h2, w3), b3);
  };

  const info = backendInfo();
  log(`sparse-coupling demo: MLP 2→${hidden}→${hidden}→3 on 600 spiral points, backend ${info.name} (${info.threads} thread${info.threads > 1 ? 's' : ''})`);
  let firstLoss = NaN;
  let lastLoss = NaN;
  const lr = 0.1;
  const momentum = 0.9;
  for (let step = 1; step <= steps; step++) {
    for (const p of params) p.zeroGrad();
    const loss = crossEntropy(forward(x), y);
    loss.backward();
    // SGD with momentum, written out: the optimisers arrive with the training core.
    noGrad(() => {
      params.forEach((p, k) => {
        const v = velocity[k];
        const gr = p.grad!.data;
        for (let i = 0; i < p.size; i++) {
          v[i] = momentum * v[i] + gr[i];
          p.data[i] -= lr * v[i];
        }
      });
    });
    lastLoss = loss.item();
    if (step === 1) firstLoss = lastLoss;
    if (step === 1 || step % 100 === 0) log(`step ${String(step).padStart(4)}  loss ${lastLoss.toFixed(4)}`);
  }
  const acc = noGrad(() => accuracy(forward(x), y));
  log(`loss ${firstLoss.toFixed(4)} → ${lastLoss.toFixed(4)}, training accuracy ${(100 * acc).toFixed(1)}%`);
  return { firstLoss, lastLoss, accuracy: acc };
}
