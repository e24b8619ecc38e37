#include "kernels.h"

int sc_threads = 1;

int sc_threads_for(int64_t work) {
  /* ~1 ns a unit: below ~50 µs a parallel region costs more than it saves. */
  if (sc_threads <= 1 || work < 50000) return 1;
  int64_t t = work / 25000;
  return t < sc_threads ? (int)t : sc_threads;
}
