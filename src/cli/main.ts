#!/usr/bin/env node
/** The `sparse-coupling` command. For now: the demo and backend information. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { backendInfo } from '../index.ts';
import { runDemo } from './demo-mlp.ts';

function version(): string {
  const url = new URL('../../package.json', import.meta.url);
  try {
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    // From dist/src/cli the package.json is one level further up.
    return JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;
  }
}

const program = new Command()
  .name('sparse-coupling')
  .description('Design, measure, train and serve sparsely coupled neural networks.')
  .version(version());

program
  .command('demo', { isDefault: true })
  .description('train a small MLP on a synthetic spiral problem, print its loss falling, save and reload it')
  .option('--epochs <n>', 'training epochs', (v) => parseInt(v, 10), 60)
  .option('--seed <n>', 'random seed', (v) => parseInt(v, 10), 0)
  .option('--out <file>', 'where to save the model (default: a new temporary folder)')
  .action((opts: { epochs: number; seed: number; out?: string }) => {
    if (!Number.isInteger(opts.epochs) || opts.epochs < 1) program.error('demo: --epochs must be a positive integer');
    if (!Number.isInteger(opts.seed)) program.error('demo: --seed must be an integer');
    runDemo({ epochs: opts.epochs, seed: opts.seed, out: opts.out });
  });

program
  .command('info')
  .description('print which kernel backend runs, its threads and SIMD width')
  .action(() => {
    console.log(JSON.stringify(backendInfo(), null, 2));
  });

program.parse();
