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
  .description('train a small MLP on a synthetic spiral problem and print its loss falling')
  .option('--steps <n>', 'training steps', (v) => parseInt(v, 10), 600)
  .option('--seed <n>', 'random seed', (v) => parseInt(v, 10), 0)
  .action((opts: { steps: number; seed: number }) => {
    if (!Number.isInteger(opts.steps) || opts.steps < 1) program.error('demo: --steps must be a positive integer');
    runDemo({ steps: opts.steps, seed: opts.seed });
  });

program
  .command('info')
  .description('print which kernel backend runs, its threads and SIMD width')
  .action(() => {
    console.log(JSON.stringify(backendInfo(), null, 2));
  });

program.parse();
