// Prints the CPU flag for the native build. The addon is compiled on the user's own machine at
// install, so tuning for that machine is right; SPARSE_COUPLING_MARCH overrides it (e.g.
// "x86-64-v3" for a build that must also run on other AVX2 machines).
const march = process.env.SPARSE_COUPLING_MARCH ?? 'native';
console.log(`-march=${march}`);
