{
  "targets": [
    {
      "target_name": "sparse_coupling",
      "sources": [
        "native/addon.c",
        "native/threads.c",
        "native/gemm.c",
        "native/elementwise.c",
        "native/reduce.c",
        "native/optim.c",
        "native/sparse.c"
      ],
      "cflags": [
        "-O3", "-std=c11", "-fopenmp", "-ffp-contract=fast", "-fno-math-errno", "-fno-trapping-math",
        "-Wall", "-Wno-unused-function", "<!@(node scripts/native-arch-flags.mjs)"
      ],
      "ldflags": ["-fopenmp"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-O3", "-std=c11", "-ffp-contract=fast", "-fno-math-errno"]
      }
    }
  ]
}
