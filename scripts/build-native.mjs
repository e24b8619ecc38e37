// Builds the native kernel addon with node-gyp at install time. A failed build does not fail
// the install: the library then runs on its TypeScript kernels and says so once on stderr.
// Set SPARSE_COUPLING_REQUIRE_NATIVE=1 to make a failed build an install error instead.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.SPARSE_COUPLING_SKIP_NATIVE === '1') {
  console.error('sparse-coupling: SPARSE_COUPLING_SKIP_NATIVE=1, native kernels not built');
  process.exit(0);
}
// npm tells scripts where its bundled node-gyp is; fall back to one on the PATH.
const gyp = process.env.npm_config_node_gyp;
const [cmd, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']];
const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  const msg = 'sparse-coupling: the native kernels did not build; the TypeScript kernels will be used';
  if (process.env.SPARSE_COUPLING_REQUIRE_NATIVE === '1') {
    console.error(`${msg} (SPARSE_COUPLING_REQUIRE_NATIVE=1: failing the install)`);
    process.exit(1);
  }
  console.error(msg);
}
