#!/usr/bin/python3
"""./lab bench kernel: this kernel against Debian's ipykernel, started and measured in the same run.

Prints medians over warm requests (default 60 each) of: kernel_info round trip, an arithmetic cell with a
new expression each time (1+N), a print cell, a completion, launch to first result, interrupt of a busy
loop, and the kernel's overhead over a raw JShell.eval of the same snippet; with ratios to ipykernel.
Also `%%python` cells: `%%python 1+1` once the worker is warm beside ipykernel's `1+1`, and the interrupt of a
`%%python` busy loop beside ipykernel's (`--python`: those alone, with launch and 1+N for context).
Then charts in a new kernel: the first timeline of 10,000 spans right after start-up and 5 s later (no
warm-up runs at start-up: the first chart pays for loading the rendering path), and later charts, timed
inside the kernel and as whole cells.
Then the footprint (`--footprint`: that alone): CPU-seconds of start-up + 15 idle s + 20 small cells and PSS
after them, PSS after a whole lesson and one idle minute, and a cell's round trip through the Jupyter
server's websocket with and without TCP_NODELAY (src/main/python/conclab_server) — each beside ipykernel's.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

from jupyter_client.manager import KernelManager

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "python"))
import footprint  # noqa: E402  (src/test/python: the CI guard measures the same way)
import ws_roundtrip  # noqa: E402

ROOT = os.environ.get("CONCLAB_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))

CASES = {
    "conclab": {"arith": "1+{n}", "print": 'System.out.println("x{n}")', "complete": ("Math.ab", 7),
                "busy": "while (true) {{}}", "setup": "1",
                "py 1+1": "%%python\n1+1", "py busy": "%%python\nwhile True: pass"},
    "python3": {"arith": "1+{n}", "print": 'print("x{n}")', "complete": ("import math; math.fa", 20),
                "busy": "while True: pass", "setup": "1",
                "py 1+1": "1+1", "py busy": "while True: pass"},
}


def wait_reply(kc, msg_id, timeout=60):
    while True:
        m = kc.get_shell_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") == msg_id:
            return m


def wait_idle(kc, msg_id, timeout=60):
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                and m["content"]["execution_state"] == "idle"):
            return


def settle(kc, code, attempts=30):
    """Runs code until its idle status arrives on iopub: the subscription is then surely connected
    (ZeroMQ drops what a SUB socket missed while connecting, and a fast kernel can finish before that)."""
    import queue
    for _ in range(attempts):
        msg_id = kc.execute(code)
        wait_reply(kc, msg_id)
        try:
            wait_idle(kc, msg_id, timeout=2)
            return
        except queue.Empty:
            continue
    raise RuntimeError("no status messages on iopub")


def run_cell(kc, code, timeout=60):
    """Runs a cell to its end (shell reply, then idle on iopub) and returns its result's text/plain, or None.
    A cell that fails raises: a benchmark whose cell fails measures nothing."""
    msg_id = kc.execute(code)
    wait_reply(kc, msg_id, timeout)
    text = None
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "execute_result":
            text = m["content"]["data"].get("text/plain")
        if m["msg_type"] == "error":
            raise RuntimeError("\n".join(m["content"]["traceback"]))
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return text


def timed(fn, n, warm):
    for i in range(warm):
        fn(-1 - i)
    samples = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def rss_mb(km):
    try:
        pid = km.provisioner.process.pid
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except Exception:
        return float("nan")


def measure(name, n, warm, python_only=False):
    case = CASES[name]
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    first = kc.execute("1+1")
    wait_reply(kc, first, timeout=120)
    launch = (time.perf_counter() - t0) * 1000
    settle(kc, case["setup"])
    r = {"launch → first result": launch}
    if python_only:
        r["1+N cell"] = timed(lambda i: run_cell(kc, case["arith"].format(n=i + 1000)), n, warm)
        return measure_python(km, kc, case, r, n, warm)
    r["kernel_info round trip"] = timed(lambda i: wait_reply(kc, kc.kernel_info()), n, warm)
    r["1+N cell"] = timed(lambda i: run_cell(kc, case["arith"].format(n=i + 1000)), n, warm)
    r["print cell"] = timed(lambda i: run_cell(kc, case["print"].format(n=i)), n, warm)
    code, pos = case["complete"]
    r["completion"] = timed(lambda i: wait_reply(kc, kc.complete(code, pos)), n, warm)

    r["interrupt of a busy loop"] = statistics.median(interrupt(km, kc, case["busy"].format()) for i in range(max(3, n // 10)))
    r.update(measure_python(km, kc, case, {}, n, warm, stop=False))
    for i in range(20):
        run_cell(kc, case["arith"].format(n=i + 5000))
    r["RSS after the run (MB)"] = rss_mb(km)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return r


def measure_python(km, kc, case, r, n, warm, stop=True):
    """%%python cells (conclab) against the same code on ipykernel: `1+1` once the worker is warm, and the
    interrupt of a busy loop."""
    r["%%python 1+1 (ipykernel: 1+1)"] = timed(lambda i: run_cell(kc, case["py 1+1"]), n, warm)
    r["interrupt of %%python busy loop"] = statistics.median(interrupt(km, kc, case["py busy"])
                                                            for i in range(max(3, n // 10)))
    if stop:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return r


def interrupt(km, kc, code):
    """Milliseconds from interrupt_request to the idle of a cell spinning in code."""
    msg_id = kc.execute(code)
    while True:  # wait until it runs
        m = kc.get_iopub_msg(timeout=60)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
            break
    time.sleep(0.05)  # let it spin; the measure starts at the interrupt
    t = time.perf_counter()
    km.interrupt_kernel()
    wait_reply(kc, msg_id)
    wait_idle(kc, msg_id)
    return (time.perf_counter() - t) * 1000


def raw_jshell(n, warm):
    # the baseline is compiled with the other benchmarks into target/test-classes (not shipped in the jar)
    cp = os.pathsep.join([os.path.join(ROOT, "target", "test-classes"), os.path.join(ROOT, "target", "conclab.jar")])
    from jupyter_client.kernelspec import KernelSpecManager
    java = next(a for a in KernelSpecManager().get_kernel_spec("conclab").argv if a.endswith("java"))  # the kernel's JDK
    out = subprocess.run([java, "-XX:+UseSerialGC", "-cp", cp, "conclab.bench.RawJShellBench", str(n), str(warm)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


# A trace like ChartsBench's: 10,000 spans of 20–200 µs over 16 lanes, states cycling; and a timer.
CHART_SETUP = """
Trace benchTrace(int n, int lanes) {
    var r = new SplittableRandom(1);
    var spans = new ArrayList<Span>(n);
    long[] t = new long[lanes];
    for (int i = 0; i < n; i++) {
        int lane = i % lanes;
        long start = t[lane] + r.nextLong(0, 50_000), dur = r.nextLong(20_000, 200_000);
        spans.add(new Span("task " + i, i, "worker-" + lane, lane, null, start, start + dur, SpanState.values()[r.nextInt(4)]));
        t[lane] = start + dur;
    }
    return new Trace("bench", 0, Arrays.stream(t).max().orElse(0), spans, List.of(), List.of(), Map.of());
}
double renderMs(LabChart<?> c) { long a = System.nanoTime(); c.png(); return (System.nanoTime() - a) / 1e6; }
var bt = benchTrace(10_000, 16);
"""


def charts_in_kernel(wait_s, later=12):
    """First chart (ms inside the kernel) after start-up plus wait_s; later charts inside and as cells."""
    km = KernelManager(kernel_name="conclab")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    wait_reply(kc, kc.execute("1+1"), timeout=120)
    settle(kc, "1")
    run_cell(kc, CHART_SETUP, 120)
    time.sleep(wait_s)
    first = float(run_cell(kc, "renderMs(Charts.timeline(bt))", 120))
    inside = {"timeline": [], "concurrency": []}
    cells = []
    for i in range(later):
        for kind in inside:
            inside[kind].append(float(run_cell(kc, f"renderMs(Charts.{kind}(bt))", 120)))
        t0 = time.perf_counter()
        run_cell(kc, "Charts.timeline(bt)", 120)  # shown: PNG at 2x, base64, through iopub
        cells.append((time.perf_counter() - t0) * 1000)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return first, {k: statistics.median(v) for k, v in inside.items()}, statistics.median(cells)


LESSON = "03-sharing-work.ipynb"


def footprints(lesson=LESSON, idle_s=60):
    """Prints the footprint figures of both kernels, measured one after the other in this run."""
    load0 = os.getloadavg()
    fp = {k: footprint.footprint(k) for k in ("conclab", "python3")}
    # CONCLAB_BENCH_BEFORE=NAME: another kernelspec (e.g. an older build) measured the same way, for comparison
    before = os.environ.get("CONCLAB_BENCH_BEFORE")
    if before:
        fp[before] = footprint.footprint(before)
    cells = footprint.lesson_cells(os.path.join(ROOT, "notebooks", lesson))
    busy, samples, wall = footprint.after_lesson("conclab", cells, idle_s=idle_s)
    # ipykernel has no Java lesson to run: its figure is its 20 small cells, then the same idle minute
    py_busy, py_samples, _ = footprint.after_lesson("python3", footprint.small_cells("python3"), idle_s=idle_s)
    ws = {(k, nd): ws_roundtrip.round_trip(k, nd)[0] for k in ("conclab", "python3") for nd in (False, True)}
    own = {}
    for k in ("conclab", "python3"):
        km, kc = footprint.start(k)
        try:
            footprint.run_cell(kc, "1+1")
            own[k] = timed(lambda i: run_cell(kc, f"1+{i + 3000}"), 40, 10)
        finally:
            footprint.stop(km, kc)
    load1 = os.getloadavg()
    print(f"\nFootprint of one kernel, beside ipykernel's (same run; load average {load0[0]:.1f} → {load1[0]:.1f}, "
          f"{os.cpu_count()} cores)\n")
    print(f"{'figure':<52}{'conclab':>10}{'ipykernel':>11}{'target':>9}")
    a, b = fp["conclab"], fp["python3"]
    rows = [("CPU-s: start-up to the first result", a["cpu start"], b["cpu start"], ""),
            ("CPU-s: then 15 idle seconds", a["cpu idle"], b["cpu idle"], ""),
            ("CPU-s: then 20 small cells", a["cpu cells"], b["cpu cells"], ""),
            ("CPU-s: start-up + 15 idle s + 20 cells", a["cpu total"], b["cpu total"], "≤ 1.5"),
            ("PSS MB after 20 cells, 10 s idle", a["pss"], b["pss"], "≤ 120"),
            (f"PSS MB right after lesson {lesson[:2]} (ipykernel: 20 cells)", busy, py_busy, ""),
            ("PSS MB after it + one idle minute", samples[-1][1], py_samples[-1][1], "≤ 150"),
            ("websocket 1+N, server as Debian ships it (ms)", ws[("conclab", False)], ws[("python3", False)], ""),
            ("websocket 1+N, with conclab_server (ms)", ws[("conclab", True)], ws[("python3", True)], ""),
            ("the kernel's own 1+N round trip (ms)", own["conclab"], own["python3"], ""),
            ("websocket over the kernel's own (ms)", ws[("conclab", True)] - own["conclab"],
             ws[("python3", True)] - own["python3"], "≤ 15")]
    for label, x, y, target in rows:
        print(f"{label:<52}{x:>10.2f}{y:>11.2f}{target:>9}")
    print(f"\nconclab's CPU-seconds by thread (/proc/PID/task): {'start-up':>9} {'idle':>6} {'cells':>6} {'total':>7}")
    print("\n".join(footprint.breakdown(a)))
    if before:
        c = fp[before]
        print(f"\n{before}, measured the same way in this run: CPU-s {c['cpu start']:.2f} + {c['cpu idle']:.2f} + "
              f"{c['cpu cells']:.2f} = {c['cpu total']:.2f}, PSS after 20 cells {c['pss']:.1f} MB")
        b_busy, b_samples, b_wall = footprint.after_lesson(before, cells, idle_s=idle_s)
        print(f"{before}: lesson {lesson[:2]} in {b_wall:.1f} s, PSS right after {b_busy:.0f} MB, after one idle "
              f"minute {b_samples[-1][1]:.0f} MB")
    print(f"\nlesson {lesson[:2]}: {len(cells)} cells in {wall:.1f} s; PSS while idle (s → MB): "
          + ", ".join(f"{t:.0f} → {m:.0f}" for t, m in samples))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=60, help="measured requests per figure")
    ap.add_argument("--warm", type=int, default=20, help="warm-up requests per figure")
    ap.add_argument("--python", action="store_true", help="only the %%%%python figures (and launch)")
    ap.add_argument("--footprint", action="store_true", help="only the footprint: CPU, memory, websocket")
    args = ap.parse_args()
    if args.footprint:
        footprints()
        return 0
    results = {k: measure(k, args.n, args.warm, args.python) for k in ("conclab", "python3")}
    if args.python:
        print(f"\n%%python cells vs ipykernel — medians of {args.n} warm requests, {os.cpu_count()} cores\n")
        print(f"{'figure':<34}{'conclab':>12}{'ipykernel':>12}{'ratio':>9}")
        for key, a in results["conclab"].items():
            b = results["python3"][key]
            print(f"{key:<34}{a:>9.1f} ms{b:>9.1f} ms{a / b:>8.2f}×")
        return 0
    raw = raw_jshell(args.n, args.warm)
    cpus = os.cpu_count()
    print(f"\nConcurrency Lab kernel vs ipykernel — medians of {args.n} warm requests, {cpus} cores\n")
    print(f"{'figure':<28}{'conclab':>12}{'ipykernel':>12}{'ratio':>9}")
    for key in results["conclab"]:
        a, b = results["conclab"][key], results["python3"][key]
        unit = "" if "MB" in key else " ms"
        print(f"{key:<28}{a:>9.1f}{unit:<3}{b:>9.1f}{unit:<3}{a / b if b else float('nan'):>8.2f}×")
    cell = results["conclab"]["1+N cell"]
    print(f"{'raw JShell.eval of 1+N':<28}{raw:>9.1f} ms")
    print(f"{'kernel overhead over it':<28}{cell - raw:>9.1f} ms")

    print("\nCharts in a new kernel (timeline / concurrency of 10,000 spans, PNG at 2x, ms inside the kernel)\n")
    for wait_s, label in ((0, "right after start-up"), (5, "5 s after start-up")):
        first, later, cell_ms = charts_in_kernel(wait_s)
        print(f"{'first chart, ' + label:<44}{first:>9.1f} ms   (target ≤ 250 ms)")
        print(f"{'  then charts 2–13: timeline, median':<44}{later['timeline']:>9.1f} ms   (target ≤ 50 ms)")
        print(f"{'  concurrency, median':<44}{later['concurrency']:>9.1f} ms   (target ≤ 50 ms)")
        print(f"{'  a cell showing a timeline, round trip':<44}{cell_ms:>9.1f} ms")
    footprints()
    return 0


if __name__ == "__main__":
    sys.exit(main())
