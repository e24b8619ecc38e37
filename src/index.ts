/**
 * sparse-coupling: design, measure, train and serve sparsely coupled neural networks.
 * This file is the public API; everything else is internal.
 */
export { Tensor } from './tensor/tensor.ts';
export type { Shape } from './tensor/shape.ts';
export { tensor, zeros, ones, full, scalar, arange, rand, randn, randint, randperm } from './tensor/create.ts';
export type { CreateOptions, RandomOptions } from './tensor/create.ts';
export { Generator, manualSeed, defaultGenerator } from './tensor/random.ts';
export { noGrad, isGradEnabled } from './tensor/autograd.ts';
export type { BackwardOptions } from './tensor/autograd.ts';

export { backend, backendInfo, getBackend, setBackend, setThreads } from './kernels/select.ts';
export type { BackendName, BackendInfo } from './kernels/select.ts';
export type { Backend } from './kernels/backend.ts';

export { matmul } from './ops/matmul.ts';
export type { MatmulOptions } from './ops/matmul.ts';
export {
  add, sub, mul, div, neg, exp, log, sqrt, abs, pow, clamp, affine,
  relu, gelu, silu, tanh, sigmoid, where, maskedFill,
} from './ops/elementwise.ts';
export { sum, mean, max, sumTo } from './ops/reduce.ts';
export { softmax, logSoftmax } from './ops/softmax.ts';
export { layerNorm } from './ops/norm.ts';
export { reshape, broadcastTo, permute, transpose, slice, concat } from './ops/layout.ts';
export { gatherRows, scatterAddRows, embedding } from './ops/indexing.ts';
export type { Indices } from './ops/indexing.ts';
export { dropout } from './ops/dropout.ts';
export type { DropoutOptions } from './ops/dropout.ts';
export { crossEntropy, mseLoss } from './ops/loss.ts';
export type { CrossEntropyOptions, Reduction } from './ops/loss.ts';

export {
  SparseCouplingError, ShapeError, DTypeError, IndexError, AutogradError, BackendError, ArgumentError, FormatError,
} from './errors.ts';
