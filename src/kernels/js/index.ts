/**
 * The `js` backend: readable TypeScript reference kernels. They define what every kernel must
 * compute and are the oracle of the tests; they are also the fallback when the addon is absent.
 */
import type { Backend } from '../backend.ts';
import { binary, unary, unaryBackward, where } from './elementwise.ts';
import { gemm } from './gemm.ts';
import { gatherRows, scatterAddRows } from './index-ops.ts';
import { crossEntropy, crossEntropyBackward } from './loss.ts';
import { layerNorm, layerNormBackward } from './norm.ts';
import { adamStep } from './optim.ts';
import { reduce, reduceMaxBackward } from './reduce.ts';
import { softmax, softmaxBackward } from './softmax.ts';
import { edgeSoftmax, edgeSoftmaxBackward, sddmm, segmentMaxBackward, segmentReduce, spmm } from './sparse.ts';
import { stridedCopy } from './strided.ts';

export const jsBackend: Backend = {
  name: 'js',
  threads: () => 1,
  setThreads: () => {},
  gemm,
  unary,
  unaryBackward,
  binary,
  where,
  stridedCopy,
  reduce,
  reduceMaxBackward,
  softmax,
  softmaxBackward,
  layerNorm,
  layerNormBackward,
  gatherRows,
  scatterAddRows,
  crossEntropy,
  crossEntropyBackward,
  adamStep,
  spmm,
  sddmm,
  edgeSoftmax,
  edgeSoftmaxBackward,
  segmentReduce,
  segmentMaxBackward,
};
