"""Concurrency Lab: CPython workers driven from Java (conclab.task.CPython).

Runs the lab's workloads on real CPython threads or processes and reports what happened as lines of
JSON on standard output, one event per line, times from time.monotonic_ns(). The Java side starts it,
talks to it over standard input and output, and turns the events into spans.

Protocol (standard input, one line each):
  the script first writes   {"event": "hello", "version": ..., "gil": true|false, "pid": ...}
  "clock"                   answered at once with {"event": "clock", "now": <monotonic ns>}
  a job (JSON object)       {"mode": "threads"|"processes", "workers": n, "tasks": [task, ...],
                             "stepsPerNs": s (optional, else calibrated and reported)}
     task: {"kind": "cpu", "ns": n} | {"kind": "sleep", "ns": n}
         | {"kind": "io", "ns": delay, "port": p, "bytes": b}   (the lab's loopback server protocol)
  answers:  {"event": "calibrated", "stepsPerNs": s}
            {"event": "start-up", "worker": name, "pid": p, "start": t, "end": t, "method": m}
                                                    (processes only; m: "fork" or "spawn")
            {"event": "task", "task": i, "worker": name, "pid": p, "tid": id, "start": t, "end": t,
             "cpu": thread CPU ns, "gaps": [[t, t], ...]}
            {"event": "failed", "task": i, "worker": name, "error": text}
            {"event": "done"}
  then it exits. Anything it prints by mistake goes to standard error.

CPU work is a pure-Python loop that holds the GIL while it runs. It is a fixed number of steps, those
one idle core takes the task's duration for (as the Java side's cpu(d) on every kind of thread), run in
slices of about SLICE_NS; a "gap" is a stretch of at least GAP_NS during which the thread's CPU clock stood
still while the wall clock went on: in a threads run, that is a wait for the GIL (or for a core).
"""

import json
import os
import socket
import struct
import sys
import threading
import time

GAP_NS = 1_000_000
SLICE_NS = 100_000

_out = sys.stdout
_out_lock = threading.Lock()
sys.stdout = sys.stderr  # stray prints must not corrupt the protocol


def emit(event):
    line = json.dumps(event, separators=(",", ":")) + "\n"
    with _out_lock:
        _out.write(line)
        _out.flush()


def gil_enabled():
    probe = getattr(sys, "_is_gil_enabled", None)
    return True if probe is None else bool(probe())


def burn(x, n):
    """n dependent steps of a linear congruential generator: pure Python, holds the GIL."""
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
    return x


def calibrate():
    """Steps per nanosecond: the fastest of several timed rounds (the speed of one core with nothing else)."""
    n = 20_000
    burn(1, n)
    best = None
    start = time.perf_counter_ns()
    while True:
        t0 = time.perf_counter_ns()
        burn(1, n)
        t = time.perf_counter_ns() - t0
        best = t if best is None else min(best, t)
        if time.perf_counter_ns() - start > 150_000_000:
            break
    return n / max(1, best)


def compute(ns, steps_per_ns, gaps):
    """A fixed amount of work, as the Java side's cpu(d): the steps one idle core takes about ns for.
    Between slices, a stretch of wall time in which this thread's CPU clock stood still is a gap."""
    steps = int(ns * steps_per_ns)
    slice_steps = max(1, int(SLICE_NS * steps_per_ns))
    wall_prev, cpu_prev = time.monotonic_ns(), time.thread_time_ns()
    x = cpu_prev | 1
    while steps > 0:
        n = min(slice_steps, steps)
        x = burn(x, n)
        steps -= n
        wall, cpu = time.monotonic_ns(), time.thread_time_ns()
        stood = (wall - wall_prev) - (cpu - cpu_prev)
        if stood >= GAP_NS and gaps is not None:
            gaps.append([wall - stood, wall])
        wall_prev, cpu_prev = wall, cpu
    return x


def request(port, delay_ns, size):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(struct.pack(">qi", delay_ns, size))
        got = 0
        while got < size:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += len(chunk)


def run_task(index, task, steps_per_ns, worker, with_gaps):
    gaps = [] if with_gaps else None
    cpu0 = time.thread_time_ns()
    start = time.monotonic_ns()
    kind = task["kind"]
    if kind == "cpu":
        compute(task["ns"], steps_per_ns, gaps)
    elif kind == "sleep":
        time.sleep(task["ns"] / 1e9)
    elif kind == "io":
        request(task["port"], task["ns"], task["bytes"])
    else:
        raise ValueError("unknown task kind " + repr(kind))
    end = time.monotonic_ns()
    event = {"event": "task", "task": index, "worker": worker, "pid": os.getpid(),
             "tid": threading.get_native_id(), "start": start, "end": end,
             "cpu": time.thread_time_ns() - cpu0}
    if gaps:
        event["gaps"] = gaps
    return event


# ---------------------------------------------------------------- threads

def run_threads(job, steps_per_ns):
    tasks = job["tasks"]
    lock = threading.Lock()
    next_index = [0]

    def worker(name):
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= len(tasks):
                return
            try:
                emit(run_task(i, tasks[i], steps_per_ns, name, True))
            except Exception as e:  # reported, the others go on
                emit({"event": "failed", "task": i, "worker": name, "error": repr(e)})

    threads = [threading.Thread(target=worker, args=("thread-%d" % k,), name="thread-%d" % k)
               for k in range(job["workers"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# ---------------------------------------------------------------- processes

def _watch_parent(parent):
    """Ends this worker if its parent died (no orphans even when the parent is killed)."""
    while True:
        time.sleep(0.2)
        if os.getppid() != parent:
            os._exit(3)


def process_main(k, parent, spawned, method, tasks, steps_per_ns, todo, results):
    ready = time.monotonic_ns()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    name = "process-%d" % k
    results.put({"event": "start-up", "worker": name, "pid": os.getpid(), "start": spawned, "end": ready,
                 "method": method})
    while True:
        i = todo.get()
        if i is None:
            break
        try:
            results.put(run_task(i, tasks[i], steps_per_ns, name, False))
        except Exception as e:
            results.put({"event": "failed", "task": i, "worker": name, "error": repr(e)})
    results.put({"event": "exit", "worker": name})


def run_processes(job, steps_per_ns):
    import multiprocessing as mp
    # fork where the platform has it (cheap: Linux's default before Python 3.14), else spawn
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    tasks = job["tasks"]
    n = job["workers"]
    todo, results = ctx.Queue(), ctx.Queue()
    for i in range(len(tasks)):
        todo.put(i)
    for _ in range(n):
        todo.put(None)
    procs = []
    for k in range(n):
        p = ctx.Process(target=process_main, daemon=True,
                        args=(k, os.getpid(), time.monotonic_ns(), method, tasks, steps_per_ns, todo, results))
        p.start()
        procs.append(p)
    exited = 0
    while exited < n:
        try:
            event = results.get(timeout=1.0)
        except Exception:  # queue.Empty: is anyone still alive?
            if not any(p.is_alive() for p in procs):
                emit({"event": "failed", "task": -1, "worker": "processes",
                      "error": "every worker process ended; exit codes %s" % [p.exitcode for p in procs]})
                break
            continue
        if event["event"] == "exit":
            exited += 1
        else:
            emit(event)
    for p in procs:
        p.join(5)


# ---------------------------------------------------------------- main

def main():
    emit({"event": "hello", "version": sys.version.split()[0], "implementation": sys.implementation.name,
          "gil": gil_enabled(), "pid": os.getpid(), "switchInterval": sys.getswitchinterval()})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if line == "clock":
            emit({"event": "clock", "now": time.monotonic_ns()})
            continue
        job = json.loads(line)
        steps_per_ns = job.get("stepsPerNs") or calibrate()
        emit({"event": "calibrated", "stepsPerNs": steps_per_ns})
        if job["mode"] == "threads":
            run_threads(job, steps_per_ns)
        elif job["mode"] == "processes":
            run_processes(job, steps_per_ns)
        else:
            raise ValueError("unknown mode " + repr(job["mode"]))
        emit({"event": "done"})
        return


if __name__ == "__main__":
    main()
