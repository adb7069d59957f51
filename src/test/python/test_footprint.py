"""The kernel's footprint guard: this kernel and ipykernel started in the same run, measured the same way
(footprint.py); fails when this kernel's PSS after 20 small cells, or its CPU-seconds for start-up + 15 idle
seconds + 20 small cells, exceed the targets (DESIGN.md) by more than 25 %.

CPU-seconds are what the kernel itself computes, so they move much less with the machine's load than wall
time does; still, a loaded machine makes every instruction slower (caches, frequency: 4.0–4.2 s at load
20–60 for a figure the issue measured at 4.1 s before these changes on an idle machine), so the kernel is
measured up to three times and the lowest figure counts. ipykernel's figures are printed for scale.

The memory target is met: 100 MB PSS after 20 cells (was 138–153 MB) since JShell's class-path index is built
at the first completion rather than at start-up and the idle collection keeps 10 % of the heap free, so its
test is a real assertion (target + 25 %) and a second one keeps the figure from growing past today's + 10 %.
The CPU target is not met yet (3.1 s at load 40–130; 3.4–3.95 s at load 3–13 on 2026-12-06 21:30 UTC; README,
"Figures", "Where a kernel's CPU goes"): its test is an expected failure, strict, so that it turns red the day the
target is met and the mark must go; until then a second test keeps the figure from growing past today's. The
report printed with the figures splits the lowest run's CPU by thread (footprint.thread_cpu): about two fifths
JIT compilers, a third the shell thread's javac, the rest start-up.
"""
import os
import sys

import pytest

import footprint

PSS_TARGET_MB, CPU_TARGET_S, SLACK = 120, 1.5, 1.25
CPU_TODAY_S = 3.2   # measured 2026-12-06 at load 40–130 (4.0–4.2 s before the deferred index, same hour)
PSS_TODAY_MB, PSS_SLACK = 110, 1.10   # measured 2026-12-06 19:20 with this session's branches merged (101 MB on the footprint branch alone, 138 MB before it); PSS barely moves with load
# the same figure against ipykernel's in the same run: 4.0–4.3× at load 13–22 on 2026-12-06 22:20–22:40 UTC
# (4.24 s vs 1.05 s, 4.13 s vs 0.97 s), 3.1–3.5× when quiet (3.81 s vs 1.23 s)
CPU_RATIO_TODAY = 4.5
KERNEL = os.environ.get("CONCLAB_KERNEL", "conclab")


def cpu_limit(ipykernel):
    """Today's CPU-seconds + 25 %, or today's ratio to ipykernel's in the same run + 25 % when that is higher."""
    return max(CPU_TODAY_S, CPU_RATIO_TODAY * ipykernel["cpu total"]) * SLACK


def report(label, r):
    return (f"{label:<12} PSS {r['pss']:6.1f} MB   CPU {r['cpu total']:.2f} s (start-up {r['cpu start']:.2f}, "
            f"15 s idle {r['cpu idle']:.2f}, 20 cells {r['cpu cells']:.2f})   load {os.getloadavg()[0]:.1f}")


@pytest.fixture(scope="module")
def figures():
    ipykernel = footprint.footprint("python3")
    runs = []
    for _ in range(3):   # measured again only while a guard below would fail on the lowest figure so far
        runs.append(footprint.footprint(KERNEL))
        if (min(r["pss"] for r in runs) <= PSS_TODAY_MB * PSS_SLACK
                and min(r["cpu total"] for r in runs) <= cpu_limit(ipykernel)):
            break
    lines = [report("ipykernel", ipykernel)] + [report(f"{KERNEL} #{i + 1}", r) for i, r in enumerate(runs)]
    best = min(runs, key=lambda r: r["cpu total"])
    lines += ["CPU-seconds of the lowest run by thread (start-up, idle, cells, total):"] + footprint.breakdown(best)
    print("\n" + "\n".join(lines), file=sys.stderr)
    return ipykernel, runs, "\n".join(lines)


def test_idle_kernel_after_20_cells_holds_at_most_the_memory_target(figures):
    ipykernel, runs, text = figures
    best = min(r["pss"] for r in runs)
    assert best <= PSS_TARGET_MB * SLACK, f"PSS {best:.1f} MB > {PSS_TARGET_MB} MB + 25 %\n{text}"
    assert ipykernel["pss"] > 0


@pytest.mark.xfail(strict=True, reason="the CPU target is not met yet: the JIT compiling javac (~40 %) and javac "
                   "compiling each import of startup.jsh and each cell (~30 %), which JDK 25 cannot share between "
                   "kernels (README, 'Where a kernel's CPU goes'); remove this mark once it is")
def test_start_up_idle_and_20_cells_cost_at_most_the_cpu_target(figures):
    ipykernel, runs, text = figures
    best = min(r["cpu total"] for r in runs)
    assert best <= CPU_TARGET_S * SLACK, f"CPU {best:.2f} s > {CPU_TARGET_S} s + 25 %\n{text}"


def test_start_up_idle_and_20_cells_cost_no_more_than_today(figures):
    """Today's CPU-seconds + 25 %; on a machine whose load slows every instruction (ipykernel itself then takes
    0.8–1.2 s instead of ~0.4 s), today's ratio to ipykernel in the same run + 25 % instead."""
    ipykernel, runs, text = figures
    best = min(r["cpu total"] for r in runs)
    assert ipykernel["cpu total"] > 0
    limit = cpu_limit(ipykernel)
    assert best <= limit, (f"CPU {best:.2f} s > today's {CPU_TODAY_S} s, or {CPU_RATIO_TODAY}× ipykernel's "
                           f"{ipykernel['cpu total']:.2f} s in this run, + 25 %\n{text}")


def test_idle_kernel_after_20_cells_holds_no_more_than_today(figures):
    ipykernel, runs, text = figures
    best = min(r["pss"] for r in runs)
    assert best <= PSS_TODAY_MB * PSS_SLACK, f"PSS {best:.1f} MB > today's {PSS_TODAY_MB} MB + 10 %\n{text}"
    assert ipykernel["pss"] > 0
