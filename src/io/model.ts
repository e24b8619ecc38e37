/**
 * Saving and loading models: a module's state dict as safetensors tensors (PyTorch names and
 * layouts), with a JSON config in the file's metadata so the model can be rebuilt from the
 * file alone. Writes are atomic (see atomic.ts).
 */
import { ArgumentError, FormatError } from '../errors.ts';
import type { LoadReport, Module } from '../nn/module.ts';
import { readSafetensors, toTensor, writeSafetensors } from './safetensors.ts';
import type { Tensor } from '../tensor/tensor.ts';

const CONFIG_KEY = 'sparse_coupling.config';
const FORMAT_KEY = 'sparse_coupling.format';

/** Write `model`'s parameters and buffers, plus `config` (any JSON value), to `path`. */
export function saveModel(path: string, model: Module, config: unknown = {}, metadata: Record<string, string> = {}): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(config ?? {});
  } catch (e) {
    throw new ArgumentError(`saveModel: config must be JSON-serialisable: ${(e as Error).message}`);
  }
  if (json === undefined) throw new ArgumentError(`saveModel: config must be JSON-serialisable, got a ${typeof config}`);
  writeSafetensors(path, model.stateDict(), {
    ...metadata,
    [FORMAT_KEY]: '1',
    [CONFIG_KEY]: json,
  });
}

export interface LoadedModel<M extends Module> {
  model: M;
  config: unknown;
  metadata: Record<string, string>;
  report: LoadReport;
}

/**
 * Read a file written by saveModel (or any safetensors file of a compatible state dict) into
 * a model: `build` is the model itself or a function making one from the saved config. Strict
 * by default: missing, unexpected or misshapen entries are a StateDictError.
 */
export function loadModel<M extends Module>(path: string, build: M | ((config: unknown) => M), options: { strict?: boolean } = {}): LoadedModel<M> {
  const file = readSafetensors(path);
  let config: unknown = {};
  const raw = file.metadata[CONFIG_KEY];
  if (raw !== undefined) {
    try {
      config = JSON.parse(raw);
    } catch {
      throw new FormatError(`loadModel: ${JSON.stringify(path)}: metadata '${CONFIG_KEY}' is not valid JSON`);
    }
  }
  const model = typeof build === 'function' ? build(config) : build;
  const sd: Record<string, Tensor> = {};
  for (const [name, entry] of file.tensors) sd[name] = toTensor(entry);
  const report = model.loadStateDict(sd, options);
  return { model, config, metadata: file.metadata, report };
}
