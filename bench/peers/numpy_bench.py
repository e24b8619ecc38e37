#!/usr/bin/env python3
"""NumPy / SciPy benchmark peer, driven by bench/peers/numpy.ts.

Usage: python3 numpy_bench.py '<spec-json>'

spec = {
  "op": "matmul" | "scipy_spmm",
  "params": {...},                        # sizes, see the op functions below
  "inputs": {name: {"path", "dtype"}},    # raw little-endian files written by the caller
  "output": path,                         # the last result is written here as raw float32
  "warmup": 2, "runs": 7, "budget_ms": 4000
}

Prints exactly one JSON line on stdout: the result, or {"unavailable": reason} (exit code 3)
when a needed module is missing. Threads are set by the caller through OPENBLAS_NUM_THREADS etc.
before this process starts (BLAS reads them at load time).
"""
import json
import os
import sys
import time


def fail_unavailable(reason):
    print(json.dumps({"unavailable": reason}))
    sys.exit(3)


try:
    import numpy as np
except ImportError as e:
    fail_unavailable(f"numpy is not importable: {e}")


# ---------------------------------------------------------------------------------------------
# Ops. Each takes (inputs, params) and returns (call, version): `call()` runs the op once and
# returns its output array; everything it needs is prepared here, outside the timed region.

def op_matmul(inputs, params):
    """C[M,N] = A[M,K] @ B[K,N], float32, returning a new array each run: the same work as the
    library call it is compared with (our matmul and ORT's session.run allocate their output)."""
    M, N, K = params["M"], params["N"], params["K"]
    A = inputs["A"].reshape(M, K)
    B = inputs["B"].reshape(K, N)
    return (lambda: A @ B), f"numpy {np.__version__}"


def op_matmul_out(inputs, params):
    """C[M,N] = A[M,K] @ B[K,N] into one preallocated C (np.matmul(..., out=C))."""
    M, N, K = params["M"], params["N"], params["K"]
    A = inputs["A"].reshape(M, K)
    B = inputs["B"].reshape(K, N)
    C = np.empty((M, N), dtype=np.float32)
    return (lambda: np.matmul(A, B, out=C)), f"numpy {np.__version__} (preallocated output)"


def op_scipy_spmm(inputs, params):
    """Y[rows,n] = S[rows,cols] @ X[cols,n] with S in CSR (indptr, indices, data)."""
    try:
        import scipy
        import scipy.sparse
    except ImportError as e:
        fail_unavailable(f"scipy is not importable: {e}")
    rows, cols, n = params["rows"], params["cols"], params["n"]
    S = scipy.sparse.csr_matrix((inputs["data"], inputs["indices"], inputs["indptr"]), shape=(rows, cols))
    X = inputs["X"].reshape(cols, n)
    return (lambda: S @ X), f"scipy {scipy.__version__} (numpy {np.__version__})"


OPS = {"matmul": op_matmul, "matmul_out": op_matmul_out, "scipy_spmm": op_scipy_spmm}


# ---------------------------------------------------------------------------------------------

def blas_info():
    """Which BLAS kernel and how many threads numpy really uses (optional, best effort)."""
    try:
        from threadpoolctl import threadpool_info
        return {"source": "threadpoolctl",
                "pools": [{k: p.get(k) for k in ("internal_api", "version", "num_threads", "architecture")}
                          for p in threadpool_info()]}
    except ImportError:
        pass
    # Without threadpoolctl: ask numpy's bundled scipy-openblas directly (numpy >= 2 wheels).
    try:
        import ctypes
        import glob
        libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "libscipy_openblas*"))
        if libs:
            lib = ctypes.CDLL(libs[0])
            for suffix in ("64_", ""):
                if hasattr(lib, f"scipy_openblas_get_num_threads{suffix}"):
                    # getattr (not lib[...]) returns a cached function object, so restype sticks.
                    corename = getattr(lib, f"scipy_openblas_get_corename{suffix}")
                    config = getattr(lib, f"scipy_openblas_get_config{suffix}")
                    corename.restype = config.restype = ctypes.c_char_p
                    return {"source": "ctypes",
                            "internal_api": "openblas",
                            "num_threads": getattr(lib, f"scipy_openblas_get_num_threads{suffix}")(),
                            "architecture": corename().decode(),
                            "config": config().decode().strip()}
    except Exception as e:  # informational only
        return {"source": "ctypes", "error": str(e)}
    return None


def time_it(call, warmup, want, budget_ms):
    """Same policy as bench/harness.ts timeIt: warm-up, then >= 5 runs, up to `want` within budget."""
    for _ in range(warmup):
        call()
    times = []
    spent = 0.0
    while len(times) < want and (len(times) < 5 or spent < budget_ms):
        t0 = time.perf_counter_ns()
        call()
        ms = (time.perf_counter_ns() - t0) / 1e6
        times.append(ms)
        spent += ms
    times.sort()
    mid = len(times) // 2
    median = times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2
    return median, len(times), times[0]


def main():
    spec = json.loads(sys.argv[1])
    op = OPS.get(spec["op"])
    if op is None:
        fail_unavailable(f"numpy_bench.py has no op {spec['op']!r} (known: {', '.join(OPS)})")
    inputs = {name: np.fromfile(f["path"], dtype=np.dtype(f["dtype"])) for name, f in spec["inputs"].items()}
    call, version = op(inputs, spec.get("params", {}))

    # Run once outside the timing to get the output for the caller's correctness check.
    out = np.asarray(call(), dtype=np.float32)
    out.tofile(spec["output"])

    median, runs, best = time_it(call, spec.get("warmup", 2), max(5, spec.get("runs", 7)), spec.get("budget_ms", 4000))
    print(json.dumps({
        "median_ms": median, "runs": runs, "min_ms": best,
        "threads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")) or None,
        "lib_version": version,
        "output_shape": list(out.shape),
        "blas": blas_info(),
    }))


if __name__ == "__main__":
    main()
