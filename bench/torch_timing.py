"""How bench/mlp_torch.py and bench/lenet_torch.py time their variants, as bench/helpers.ts times
the engine's: untimed warm-up runs of each, then rounds alternating the variants (so a drift in
the machine's speed hits all of them), a full GC before each timed run.
"""

import gc
import time


def time_variants(variants, warmup, reps):
    """The milliseconds of each timed run, by variant name: `warmup` untimed rounds, then `reps` timed ones."""
    for _ in range(warmup):
        for run in variants.values():
            run()
    ms = {name: [] for name in variants}
    for _ in range(reps):
        for name, run in variants.items():
            gc.collect()
            t0 = time.perf_counter()
            run()
            ms[name].append((time.perf_counter() - t0) * 1000)
    return ms
