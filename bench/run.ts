/**
 * `npm run bench -- <name> [<name> …]`: runs benchmarks and prints one JSON object per line and
 * measurement. `npm run bench -- --list` names them.
 */
const benches: Record<string, () => Promise<{ run: (args: string[]) => Promise<void> }>> = {
  gemm: () => import('./gemm.ts'),
  spmm: () => import('./spmm.ts'),
  aggregate: () => import('./aggregate.ts'),
  'window-attention': () => import('./window-attention.ts'),
  'topology-build': () => import('./topology-build.ts'),
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.includes('--list') || args.includes('--help')) {
    console.error(`usage: npm run bench -- <name> [options]\nbenchmarks: ${Object.keys(benches).join(', ')}`);
    process.exit(args.length === 0 ? 1 : 0);
  }
  const [name, ...rest] = args;
  const load = benches[name];
  if (!load) {
    console.error(`unknown benchmark '${name}'; benchmarks: ${Object.keys(benches).join(', ')}`);
    process.exit(1);
  }
  await (await load()).run(rest);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
