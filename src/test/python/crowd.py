"""A crowd of kernels started at once, each by its own process, as a class's single-user servers do.

Every student of a JupyterHub has a server of their own, each with its own jupyter_client, and each
jupyter_client chooses a kernel's five ports alone: it binds port 0, reads the number, closes the socket
and writes the number into the connection file (jupyter_client 7.4.9, `LocalPortCache`). Nothing stops
two servers from choosing the same free port before either kernel has bound it; a JVM that needs
seconds to start keeps that window open. This module reproduces that: N processes, released together
by a barrier, each start one kernel with jupyter_client exactly as a server does and wait for its
`kernel_info` reply, then report what happened.

    ./lab bench crowd [N [RUNS [KERNELS]]]   # e.g. 30 3 conclab,python3: a table, ipykernel beside

Used by test_crowd.py and by `./lab bench crowd`.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from multiprocessing import get_context

PORT_NAMES = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


def _one_student(kernel_name, barrier, ready_timeout, results, index, env_updates, all_answered=None):
    """One single-user server: its own jupyter_client, its own port cache, one kernel, kept until every
    student has an answer (a class keeps its kernels: ports are compared while all are alive)."""
    os.environ.update(env_updates)
    from jupyter_client.manager import KernelManager
    log = tempfile.NamedTemporaryFile(prefix=f"conclab-crowd-{index}-", suffix=".log", delete=False)
    outcome = {"student": index, "served": False}
    km = KernelManager(kernel_name=kernel_name)
    barrier.wait()
    t0 = time.monotonic()
    try:
        km.start_kernel(stdout=log, stderr=subprocess.STDOUT)
        chosen = {name: getattr(km, name) for name in PORT_NAMES}
        outcome["ports"] = chosen
        kc = km.client()
        kc.start_channels()          # a server connects its channels at once, before the kernel is up
        try:
            kc.wait_for_ready(timeout=ready_timeout)
            outcome["served"] = True
            outcome["seconds"] = round(time.monotonic() - t0, 2)
        except RuntimeError as e:   # the kernel died, or no reply in time
            outcome["error"] = str(e).splitlines()[0]
        finally:
            kc.stop_channels()
        outcome["ports_after"] = {name: getattr(km, name) for name in PORT_NAMES}
        proc = km.provisioner.process if km.provisioner else None
        outcome["exit_status"] = proc.poll() if proc is not None else None
        if all_answered is not None:
            try:
                all_answered.wait(ready_timeout + 60)
            except Exception:   # noqa: BLE001 - a student process that died breaks the barrier: go on
                pass
    except Exception as e:   # noqa: BLE001 - reported, not raised: one student's failure is data
        outcome["error"] = f"{type(e).__name__}: {e}"
    finally:
        try:
            km.shutdown_kernel(now=True)
        except Exception:   # noqa: BLE001
            pass
        log.close()
        with open(log.name, encoding="utf-8", errors="replace") as f:
            lines = [l.rstrip() for l in f if l.strip()]
        os.unlink(log.name)
        outcome["kernel_log"] = [l for l in lines if "bind" in l.lower() or "port" in l.lower() or "Exception" in l][:5]
        results[index] = outcome


def run(n, kernel_name="conclab", ready_timeout=180.0, env_updates=None):
    """Starts n kernels at once, each from its own process; returns one outcome dict per student."""
    ctx = get_context("spawn")   # a fresh interpreter per student, like separate servers
    barrier, all_answered = ctx.Barrier(n), ctx.Barrier(n)
    manager = ctx.Manager()
    results = manager.dict()
    procs = [ctx.Process(target=_one_student,
                         args=(kernel_name, barrier, ready_timeout, results, i, dict(env_updates or {}),
                               all_answered))
             for i in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(2 * ready_timeout + 120)
        if p.is_alive():
            p.kill()
    outcomes = [dict(results.get(i, {"student": i, "served": False, "error": "harness process died"}))
                for i in range(n)]
    manager.shutdown()
    return outcomes


def shared_ports(outcomes):
    """Ports that the students' jupyter_clients chose for more than one kernel."""
    counts = Counter(p for o in outcomes for p in o.get("ports", {}).values())
    return sorted(p for p, c in counts.items() if c > 1)


def summary(outcomes):
    served = sum(o["served"] for o in outcomes)
    times = sorted(o["seconds"] for o in outcomes if o.get("seconds") is not None)
    text = [f"served {served}/{len(outcomes)}"]
    if times:
        text.append(f"kernel_info answered after {times[0]}–{times[-1]} s (median {times[len(times) // 2]} s)")
    dup = shared_ports(outcomes)
    text.append(f"ports chosen for two kernels: {dup if dup else 'none'}")
    moved = [o["student"] for o in outcomes if o.get("ports") and o.get("ports_after") and o["ports"] != o["ports_after"]]
    if moved:
        text.append(f"kernels that bound other ports and said so in the handshake: {moved}")
    return "; ".join(text)


def bench(n, runs, kernels):
    """`./lab bench crowd N RUNS`: each kernel started N at once, RUNS times, kernels alternating."""
    rows = []
    for r in range(runs):
        for name in kernels:
            outs = run(n, name)
            times = sorted(o["seconds"] for o in outs if o.get("seconds") is not None)
            failed = [o for o in outs if not o["served"]]
            rows.append((r + 1, name, sum(o["served"] for o in outs), n,
                         times[len(times) // 2] if times else None, times[-1] if times else None,
                         len(shared_ports(outs)),
                         "; ".join(f"student {o['student']}: {o.get('error', '?')} {o.get('kernel_log', [''])[:1]}"
                                   for o in failed)))
            print(f"run {r + 1} {name}: {summary(outs)}", file=sys.stderr, flush=True)
    print(f"| run | kernel | served | kernel_info answered, median / last | ports chosen twice | why not served |")
    print("|---|---|---|---|---|---|")
    for run_no, name, served, total, median, last, dup, why in rows:
        print(f"| {run_no} | {name} | {served}/{total} | {median} / {last} s | {dup} | {why or '–'} |")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    kernels = sys.argv[3].split(",") if len(sys.argv) > 3 else ["conclab", "python3"]
    bench(n, runs, kernels)
