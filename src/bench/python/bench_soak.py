#!/usr/bin/python3
"""./lab bench soak: a long session. Runs N cells (default 5,000) with declarations, redefinitions and
results, then reports heap used after GC per cell (KB) and how cell latency drifted (median of the last
200 cells over the first 200). Targets: at most 16 KB per cell, drift at most 2x.
"""
import argparse
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

from bench_kernel import run_cell

HEAP = "System.gc(); System.gc(); (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024"


def cell(i):
    kind = i % 5
    if kind == 0:
        return f"int v{i % 100} = {i};"                       # variables, redefined every 100 cells
    if kind == 1:
        return f"int f(int x) {{ return x + {i}; }}"           # one method, redefined
    if kind == 2:
        return f"record R(int a, String b) {{ String tag() {{ return b + {i}; }} }}"  # one record, redefined
    if kind == 3:
        return f"f({i}) + new R({i}, \"r\").tag().length()"   # an expression result ($N)
    return f"var s{i % 50} = \"x\".repeat({i % 100});"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=5000)
    args = ap.parse_args()
    km, kc = start_new_kernel(kernel_name="conclab", startup_timeout=120)
    try:
        for i in range(50):   # warm up
            run_cell(kc, cell(i), 120)
        heap0 = int(run_cell(kc, HEAP, 120))
        lat = []
        t_start = time.perf_counter()
        for i in range(args.n):
            t0 = time.perf_counter()
            run_cell(kc, cell(i), 120)
            lat.append((time.perf_counter() - t0) * 1000)
            if (i + 1) % 1000 == 0:
                print(f"  {i + 1} cells, {time.perf_counter() - t_start:.0f} s", flush=True)
        heap1 = int(run_cell(kc, HEAP, 120))
        first, last = statistics.median(lat[:200]), statistics.median(lat[-200:])
        per_cell = (heap1 - heap0) / args.n
        print(f"\nsoak: {args.n} cells")
        print(f"{'heap used after GC':<32}{heap0 / 1024:>8.1f} MB -> {heap1 / 1024:.1f} MB")
        print(f"{'per cell':<32}{per_cell:>8.1f} KB   (target <= 16 KB)")
        print(f"{'cell latency, first 200 median':<32}{first:>8.1f} ms")
        print(f"{'cell latency, last 200 median':<32}{last:>8.1f} ms")
        print(f"{'drift':<32}{last / first:>8.2f}x   (target <= 2x)")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
