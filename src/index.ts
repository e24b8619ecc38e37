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

export { Module, Parameter, Buffer } from './nn/module.ts';
export type { LoadReport } from './nn/module.ts';
export { Linear, Embedding, LayerNorm, Dropout, Sequential, ReLU, GELU, SiLU, Tanh, Sigmoid } from './nn/layers.ts';
export * as init from './nn/init.ts';

export { Optimizer } from './optim/optimizer.ts';
export type { ParamGroup, ParamsInput, OptimizerState } from './optim/optimizer.ts';
export { SGD } from './optim/sgd.ts';
export type { SGDOptions } from './optim/sgd.ts';
export { Adam, AdamW } from './optim/adam.ts';
export type { AdamOptions } from './optim/adam.ts';
export { LRScheduler, constant, linearWarmup, cosine, stepDecay, linearDecay, chain, sequence } from './optim/schedule.ts';
export type { Schedule } from './optim/schedule.ts';
export { clipGradNorm } from './optim/clip.ts';

export { fit } from './train/loop.ts';
export type { FitOptions, FitResult, Metrics, TrainMetrics, EvalMetrics, StepResult } from './train/loop.ts';
export { countCorrect, batchIndices } from './train/metrics.ts';

export {
  parseSafetensors, readSafetensors, toFloat32, toInt32, toTensor,
  serializeSafetensors, writeSafetensors, DEFAULT_MAX_HEADER_BYTES,
} from './io/safetensors.ts';
export type {
  SafetensorsDType, TensorEntry, SafetensorsFile, SafetensorsReadOptions, ToFloat32Options,
  WritableTensor, TensorsToWrite,
} from './io/safetensors.ts';
export { atomicWriteFile } from './io/atomic.ts';
export { saveModel, loadModel } from './io/model.ts';
export type { LoadedModel } from './io/model.ts';

export * as topology from './topology/index.ts';
export { Topology } from './topology/topology.ts';
export type { BlockView } from './topology/topology.ts';
export { spmm, sddmm, edgeSoftmax, segmentReduce, aggregate } from './ops/sparse.ts';
export type { Aggregation } from './ops/sparse.ts';

export {
  SparseCouplingError, ShapeError, DTypeError, IndexError, AutogradError, BackendError, ArgumentError, FormatError, StateDictError, TopologyError,
} from './errors.ts';
