/**
 * The quick-start demo: a small MLP learns a synthetic three-class spiral with AdamW and the
 * `fit` loop, printing its loss falling; then it saves the model, loads it into a fresh one
 * and shows the same evaluation loss. (The command-line tour will replace it as the main job.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdamW, GELU, Generator, Linear, LRScheduler, Sequential, Tensor, backendInfo, batchIndices, chain,
  constant, cosine, countCorrect, crossEntropy, fit, gatherRows, linearWarmup, loadModel, noGrad,
  saveModel, sequence,
} from '../index.ts';

export interface DemoOptions {
  epochs?: number;
  seed?: number;
  /** Where to save the model (default: a new temporary folder). */
  out?: string;
  log?: (line: string) => void;
}

/** Three interleaved spirals: n points per class, 2-D inputs, integer labels. */
export function spirals(n: number, g: Generator): { x: Tensor; y: Int32Array } {
  const x = new Float32Array(3 * n * 2);
  const y = new Int32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      const r = (i + 1) / n;
      const t = c * 4 + 4 * r + 0.15 * g.normal();
      const k = c * n + i;
      x[2 * k] = r * Math.sin(t);
      x[2 * k + 1] = r * Math.cos(t);
      y[k] = c;
    }
  }
  return { x: new Tensor(x, [3 * n, 2]), y };
}

export interface MlpConfig {
  hidden: number;
  seed: number;
}

export function buildMlp(config: MlpConfig): Sequential {
  const g = new Generator(config.seed);
  return new Sequential(new Linear(2, config.hidden, { generator: g }), new GELU(), new Linear(config.hidden, config.hidden, { generator: g }), new GELU(), new Linear(config.hidden, 3, { generator: g }));
}

export function runDemo(options: DemoOptions = {}): { firstLoss: number; lastLoss: number; evalLoss: number; reloadedLoss: number; accuracy: number } {
  const log = options.log ?? console.log;
  const epochs = options.epochs ?? 60;
  const seed = options.seed ?? 0;
  const g = new Generator(seed);
  const train = spirals(300, g);
  const val = spirals(100, g);
  const config: MlpConfig = { hidden: 64, seed };
  const model = buildMlp(config);
  const batchSize = 64;
  const stepsPerEpoch = Math.ceil(train.y.length / batchSize);
  const optimizer = new AdamW([
    { params: model.parameters().filter((p) => p.rank > 1) },
    { params: model.parameters().filter((p) => p.rank === 1), weightDecay: 0 },
  ], { lr: 0.01, weightDecay: 1e-4 });
  const total = epochs * stepsPerEpoch;
  const warm = Math.min(50, total - 1);
  const scheduler = new LRScheduler(optimizer, chain(constant(1), sequence([linearWarmup(warm), warm], [cosine(total - warm, 0.05), total - warm])));

  const evaluate = (m: Sequential) => noGrad(() => {
    const logits = m.forward(val.x);
    const { correct, total: n } = countCorrect(logits, val.y);
    return { loss: crossEntropy(logits, val.y).item(), accuracy: correct / n };
  });

  const info = backendInfo();
  log(`sparse-coupling demo: MLP 2→64→64→3 (${model.numParameters()} parameters) on 900 spiral points, AdamW, backend ${info.name} (${info.threads} thread${info.threads > 1 ? 's' : ''}${info.simd ? ', ' + info.simd : ''})`);
  let firstLoss = NaN;
  let lastLoss = NaN;
  let epochLoss = 0;
  let epochSteps = 0;
  const result = fit({
    model, optimizer, scheduler, epochs, clipNorm: 5,
    batches: (epoch) => batchIndices(train.y.length, batchSize, new Generator(seed * 1000 + epoch)).map((idx) => ({ x: gatherRows(train.x, idx), y: gatherTargets(train.y, idx) })),
    step: (b) => ({ loss: crossEntropy(model.forward(b.x), b.y), examples: b.y.length }),
    evaluate: () => evaluate(model),
    onMetrics: (m) => {
      if (m.kind === 'train') {
        if (m.step === 1) firstLoss = m.loss;
        lastLoss = m.loss;
        epochLoss += m.loss;
        epochSteps++;
        return;
      }
      if (m.epoch % 10 === 9 || m.epoch === 0) {
        log(`epoch ${String(m.epoch + 1).padStart(3)}  mean train loss ${(epochLoss / epochSteps).toFixed(4)}  val loss ${(m.loss as number).toFixed(4)}  val accuracy ${(100 * (m.accuracy as number)).toFixed(1)}%`);
      }
      epochLoss = 0;
      epochSteps = 0;
    },
  });
  const final = evaluate(model);
  const out = options.out ?? join(mkdtempSync(join(tmpdir(), 'sparse-coupling-demo-')), 'mlp.safetensors');
  saveModel(out, model, config, { task: 'spirals' });
  const reloaded = loadModel(out, (c) => buildMlp(c as MlpConfig)).model;
  const again = evaluate(reloaded);
  log(`trained ${result.steps} steps: batch loss ${firstLoss.toFixed(4)} → ${lastLoss.toFixed(4)}; validation loss ${final.loss.toFixed(6)}, accuracy ${(100 * final.accuracy).toFixed(1)}%`);
  log(`saved to ${out}; reloaded model: validation loss ${again.loss.toFixed(6)} (${again.loss === final.loss ? 'identical' : 'DIFFERENT'})`);
  return { firstLoss, lastLoss, evalLoss: final.loss, reloadedLoss: again.loss, accuracy: final.accuracy };
}

function gatherTargets(y: Int32Array, idx: Int32Array): Int32Array {
  return Int32Array.from(idx, (i) => y[i]);
}
