"""A kernel's footprint as the machine sees it: proportional memory (PSS, from /proc/PID/smaps_rollup) and
CPU-seconds (from /proc/PID/stat, the kernel's own and its children's, live or reaped).

Used by `./lab bench kernel` and by test_footprint.py, for this kernel and ipykernel in the same run; for a JVM
kernel the CPU is also split by thread (thread_cpu: JIT compilers, the shell thread, main, GC, ended threads).
"""
import os
import time

from jupyter_client.manager import KernelManager

TICK = os.sysconf("SC_CLK_TCK")
SMALL_CELLS = {   # 20 small cells a learner types: values, a variable, a print, a method, a loop
    "conclab": ["1+{n}", "int v{n} = {n} * 2;", "v{n} + 1", 'System.out.println("line {n}")',
                "String.valueOf({n}).repeat(3)"],
    "python3": ["1+{n}", "v{n} = {n} * 2", "v{n} + 1", 'print("line {n}")', "str({n}) * 3"],
}


def small_cells(name, count=20):
    forms = SMALL_CELLS["python3" if name == "python3" else "conclab"]
    return [forms[i % len(forms)].format(n=i // len(forms)) for i in range(count)]


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    return text[text.rindex(")") + 2:].split()   # fields from the 3rd (state) on


def _children(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(_stat(entry)[1]) == pid:
                    kids.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return kids


def cpu_seconds(pid):
    """User + system CPU of pid, of its reaped children, and of its live descendants."""
    try:
        f = _stat(pid)
    except OSError:
        return float("nan")
    ticks = sum(int(x) for x in f[11:15])   # utime stime cutime cstime
    total = ticks / TICK
    for kid in _children(pid):
        total += cpu_seconds(kid)
    return total


# Where a JVM kernel's CPU goes, by thread name (/proc/PID/task/*/stat): the groups of thread_cpu().
THREAD_GROUPS = (
    ("JIT compilers", ("C1 CompilerThre", "C2 CompilerThre", "Training replay")),
    ("shell thread (JShell, javac)", ("conclab-shell",)),
    ("main thread (JVM start, set-up)", ("java",)),
    ("GC and VM threads", ("VM Thread", "GC Thread", "VM Periodic Tas", "Service Thread", "Monitor Deflati",
                           "Common-Cleaner", "Finalizer", "Reference Handl", "Signal Dispatch")),
)
ENDED = "threads that ended (JShell start-up)"
OTHER = "other live threads (sockets, output)"


def thread_cpu(pid):
    """CPU-seconds of pid's threads by group (THREAD_GROUPS), plus ENDED: what threads that have ended used
    (conclab-init, which starts JShell and runs startup.jsh, ends then), and OTHER. Sums to the process's own."""
    groups = {name: 0.0 for name, _ in THREAD_GROUPS}
    groups[OTHER] = 0.0
    live = 0.0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        sec = (int(fields[11]) + int(fields[12])) / TICK
        live += sec
        group = next((g for g, prefixes in THREAD_GROUPS if name.startswith(prefixes)), OTHER)
        groups[group] += sec
    own = sum(int(x) for x in _stat(pid)[11:13]) / TICK
    groups[ENDED] = max(0.0, own - live)
    return groups


def pss_mb(pid):
    """Proportional set size of pid in MB (shared pages divided among the processes mapping them)."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def kernel_pid(km):
    return km.provisioner.process.pid


def run_cell(kc, code, timeout=120, strict=True):
    """Runs code to its idle status; returns its reply's status. strict: raises on an error (a footprint of
    failed cells measures nothing); a lesson's cells may show an error on purpose."""
    msg_id = kc.execute(code)
    while True:
        m = kc.get_shell_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") == msg_id:
            status = m["content"]["status"]
            if strict and status != "ok":
                raise RuntimeError(f"cell {code!r} failed: {m['content']}")
            break
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                and m["content"]["execution_state"] == "idle"):
            return status


def start(name, extra_env=None):
    km = KernelManager(kernel_name=name)
    env = dict(os.environ)
    env.update(extra_env or {})
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    return km, kc


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def footprint(name, idle_s=15, cells=20, settle_s=10):
    """Starts kernel `name` and measures: CPU-seconds to the first result, over idle_s idle seconds, over
    `cells` small cells; then PSS and RSS once it has been idle settle_s seconds. Returns a dict."""
    t0 = time.perf_counter()
    km, kc = start(name)
    try:
        pid = kernel_pid(km)
        run_cell(kc, "1+1")
        r = {"first result (s)": time.perf_counter() - t0, "cpu start": cpu_seconds(pid)}
        phases = [thread_cpu(pid)]
        time.sleep(idle_s)
        r["cpu idle"] = cpu_seconds(pid) - r["cpu start"]
        phases.append(thread_cpu(pid))
        before = cpu_seconds(pid)
        for code in small_cells(name, cells):
            run_cell(kc, code)
        r["cpu cells"] = cpu_seconds(pid) - before
        phases.append(thread_cpu(pid))
        # by thread group: (start-up, 15 idle s, 20 cells) in CPU-seconds
        r["threads"] = {g: (phases[0][g], max(0.0, phases[1][g] - phases[0][g]), max(0.0, phases[2][g] - phases[1][g]))
                        for g in phases[0]}
        r["cpu total"] = r["cpu start"] + r["cpu idle"] + r["cpu cells"]
        time.sleep(settle_s)
        r["pss"] = pss_mb(pid)
        r["rss"] = rss_mb(pid)
        return r
    finally:
        stop(km, kc)


def breakdown(r):
    """The lines of a footprint's CPU by thread group (start-up / idle / cells), largest first."""
    rows = sorted(r["threads"].items(), key=lambda kv: -sum(kv[1]))
    return [f"  {g:<40}{a:6.2f} {b:6.2f} {c:6.2f} {a + b + c:7.2f}" for g, (a, b, c) in rows]


def lesson_cells(path):
    """The code cells of a lesson with each exercise's reference solution in place (all of them run)."""
    import nbformat
    from run_notebook import with_solutions
    nb = with_solutions(nbformat.read(path, as_version=4))
    return [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def after_lesson(name, cells, idle_s=60, step_s=5):
    """Runs a lesson's code cells in a new kernel `name`, then samples PSS every step_s seconds of idleness
    for idle_s seconds. Returns (PSS right after the lesson, [(seconds idle, PSS)...], lesson wall seconds)."""
    km, kc = start(name)
    try:
        pid = kernel_pid(km)
        t0 = time.perf_counter()
        for code in cells:
            run_cell(kc, code, timeout=600, strict=False)
        wall = time.perf_counter() - t0
        busy = pss_mb(pid)
        samples = []
        t_idle = time.monotonic()
        while time.monotonic() - t_idle < idle_s:
            time.sleep(step_s)
            samples.append((time.monotonic() - t_idle, pss_mb(pid)))
        return busy, samples, wall
    finally:
        stop(km, kc)
