"""Concurrency Lab: the CPython worker behind %%python cells (conclab.task.PythonWorker).

One worker per kernel (or per PythonWorker in plain JShell), kept for the session: what one cell defines,
the next cell sees. Pure standard library.

Protocol: frames, each a 4-byte big-endian length then that many bytes of UTF-8 JSON.
  Java -> worker, on standard input (fd 0 at start; moved away so cells cannot read it):
    {"op": "run", "run": id, "code": text, "name": "<cell [3]>"}
    {"op": "interrupt", "run": id}  KeyboardInterrupt in the main thread (SIGINT to it, again every 50 ms
                                    until its handler ran) and SIGINT to every process the worker started,
                                    if it runs that run; a run not started yet is answered with
                                    KeyboardInterrupt unrun
    {"op": "complete" | "inspect", "id": q, "code": text, "cursor": code points, "detail": 0|1}
                                    answered at once on the reader thread (a cell may be running)
    {"op": "input_reply", "id": k, "value": line} | {..., "error": why}   the line input() asked for
  worker -> Java, on what was standard output at start (fd 1; fd 1 and 2 then both go to the real
  standard error, which the Java side shows under the last cell):
    {"ev": "hello", "version": "3.11.2", "gil": true, "pid": p, "executable": path}
    {"ev": "out", "run": id, "err": false, "text": "..."}          a piece a thread of that run printed
    {"ev": "out", ..., "src": "pid:thread", "more": true|false}   a piece of one long write: Java joins
                                    the pieces of a source up to the one with "more": false
    {"ev": "done", "run": id, "ok": true, "value": {mime: data} | null,
     "spans": [[name, lane id, lane, start_ns, end_ns], ...], "marks": [[text, lane id, lane, at_ns], ...]}
    {"ev": "display", "run": id, "data": {mime: data}}            display(x), plt.show(), figures left open
    {"ev": "input", "run": id, "id": k, "prompt": p, "password": b}  input() or getpass() waits for a line
    {"ev": "reply", "id": q, ...}                                 to complete ({"matches", "start", "end"})
                                                                  or inspect ({"text"})
    {"ev": "span" | "mark", "run": id, "item": [...]}             from a child process, at once
    {"ev": "done", "run": id, "ok": false, "ename": "ValueError", "evalue": "...", "traceback": [line, ...], ...}
Every frame of the worker process is written by one os.write of the whole frame; the main process's
frames go through one sender thread (so a KeyboardInterrupt never cuts a frame in two); forked children
(multiprocessing) write their output frames themselves. Output frames are at most PIPE_BUF bytes, so a
pipe keeps them whole when several processes write; a larger frame ("done" with a big value or trace)
could be split by a child's output only if the pipe is full at that moment (Java reads it at once).

Which run a piece of output belongs to: the thread's cell. The main thread takes the cell it runs; a
thread takes the cell of the thread that created it (threading.Thread.__init__ notes it); a forked
child keeps its forking thread's; a spawned child takes the run that was running when it started
(CONCLAB_RUN), a forkserver child the one Java is serving (0). Children started by spawn or forkserver
reopen the worker's channel through /proc (CONCLAB_PROTO) and run the session module first (see "the
session module"). The worker ends when its input closes (the kernel is gone), killing
its process group (it starts a session of its own), and every second checks that its parent lives.
"""

import ast
import asyncio
import base64
import builtins
import collections.abc
import functools
import inspect
import json
import linecache
import os
import queue
import signal
import struct
import sys
import threading
import time
import traceback
import types

WORKER_FILE = os.path.abspath(__file__)
PIPE_BUF = 4096
CHUNK = 1000  # characters of output per frame (at most 4 bytes each in UTF-8, so frames stay whole)

# ------------------------------------------------------------------ the channel to Java

_proto_in = _proto_out = None  # the channel's file descriptors: _become_worker, attach_child
_outbox = queue.SimpleQueue()
_direct = False  # True in a child process: frames are written at once, by the writing thread
_main_pid = os.getpid()
_session_dir = None  # the worker's folder: the session module, the matplotlib backend


def _become_worker():
    """The worker process: the channel moves off fds 0 and 1; children find it through CONCLAB_PROTO."""
    global _proto_in, _proto_out, _session_dir
    _proto_in = os.dup(0)
    _proto_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # C-level writes to fd 1 (and children's) go to the real standard error
    sys.stdin = open(os.devnull)
    # a spawned or forkserver child opens the same pipe again (Linux: /proc/PID/fd of a pipe is that pipe)
    os.environ["CONCLAB_PROTO"] = "/proc/%d/fd/%d" % (os.getpid(), _proto_out)
    here = os.path.dirname(WORKER_FILE)
    _session_dir = os.path.join(here, "session-%d" % os.getpid())
    os.makedirs(_session_dir, exist_ok=True)
    for d in (_session_dir, here):
        if d not in sys.path:
            sys.path.insert(0, d)
    with open(os.path.join(_session_dir, "conclab_inline.py"), "w") as f:
        f.write(_INLINE_BACKEND)
    os.environ.setdefault("MPLBACKEND", "module://conclab_inline")
    os.environ["PYTHONPATH"] = os.pathsep.join([_session_dir, here] + [
        p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])


def attach_child():
    """In a child started by spawn or forkserver (the session module calls it): its output and spans go
    to Java, tagged with the run that started it (CONCLAB_RUN), or for forkserver children, with the run
    Java is serving (0)."""
    global _proto_out, _direct, _main_pid
    if _proto_out is not None or "CONCLAB_PROTO" not in os.environ:
        return
    _main_pid = -1  # never the worker: its lanes are labelled by process
    try:
        _proto_out = os.open(os.environ["CONCLAB_PROTO"], os.O_WRONLY)
    except OSError:
        return
    _direct = True
    forkserver = any("forkserver" in a for a in sys.argv)
    _last_run[0] = 0 if forkserver else int(os.environ.get("CONCLAB_RUN", "0"))
    sys.stdout = sys.__stdout__ = CellWriter(False)
    sys.stderr = sys.__stderr__ = CellWriter(True)
    sys.modules["lab"] = lab
    _patch_for_tracing()


def _frame(obj):
    data = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
    return struct.pack(">I", len(data)) + data


def _write_all(data):
    view = memoryview(data)
    while view:
        n = os.write(_proto_out, view)
        view = view[n:]


def send(obj):
    if _direct:
        _write_all(_frame(obj))
    else:
        _outbox.put(_frame(obj))


def _sender():
    while True:
        data = _outbox.get()
        if data is None:
            return
        try:
            _write_all(data)
        except OSError:
            os._exit(0)  # Java is gone


def _read_exact(n):
    buf = b""
    while len(buf) < n:
        chunk = os.read(_proto_in, n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def _end_all():
    """Java is gone: end this worker and every process it started (its process group)."""
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    finally:
        os._exit(0)


# ------------------------------------------------------------------ whose output

_last_run = [0]


def current_run():
    return getattr(threading.current_thread(), "_conclab_run", _last_run[0])


_thread_init = threading.Thread.__init__


@functools.wraps(_thread_init)
def _init(self, *args, **kwargs):
    _thread_init(self, *args, **kwargs)
    self._conclab_run = current_run()


threading.Thread.__init__ = _init


_buf_lock = threading.Lock()
_bufs = {}  # (thread ident, err) -> (run, text not sent yet: the end of an unfinished line)


def _emit(run, err, text):
    """Output frames of at most PIPE_BUF bytes, so they stay whole when forked children write too; the
    pieces of one write but the last say "more", with their source, so Java joins them again."""
    pieces = []
    for k in range(0, len(text), CHUNK):
        _split(run, err, text[k:k + CHUNK], pieces)
    src = "%d:%d" % (os.getpid(), threading.get_ident())
    for i, piece in enumerate(pieces):
        msg = {"ev": "out", "run": run, "err": err, "text": piece}
        if len(pieces) > 1:
            msg["src"] = src
            msg["more"] = i < len(pieces) - 1
        frame = _frame(msg)
        if _direct:
            _write_all(frame)
        else:
            _outbox.put(frame)


def _split(run, err, text, pieces):
    if len(text) > 1 and len(_frame({"ev": "out", "run": run, "err": err, "text": text, "src": "0" * 24, "more": False})) > PIPE_BUF:
        half = len(text) // 2
        _split(run, err, text[:half], pieces)
        _split(run, err, text[half:], pieces)
    else:
        pieces.append(text)


def flush_all():
    """Sends every thread's unfinished line (at the end of a cell)."""
    with _buf_lock:
        items = list(_bufs.items())
        _bufs.clear()
    for (_, err), (run, text) in items:
        _emit(run, err, text)


class CellWriter:
    """sys.stdout / sys.stderr of the worker: each write goes to Java tagged with the thread's cell."""

    def __init__(self, err):
        self.err = err
        self.encoding = "utf-8"
        self.errors = "strict"

    def write(self, text):
        """Sends whole lines at once (print writes its pieces one by one); the rest waits for a newline,
        a flush, or the end of the cell."""
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        key = (threading.get_ident(), self.err)
        run = current_run()
        with _buf_lock:
            _, prev = _bufs.pop(key, (run, ""))
            whole = prev + text
            cut = whole.rfind("\n") + 1 if len(whole) < 8 * CHUNK else len(whole)
            if cut < len(whole):
                _bufs[key] = (run, whole[cut:])
        _emit(run, self.err, whole[:cut])
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        with _buf_lock:
            run, rest = _bufs.pop((threading.get_ident(), self.err), (0, ""))
        _emit(run, self.err, rest)

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        return 2  # the real standard error: C code writing here still reaches the notebook

    @property
    def closed(self):
        return False


def _after_fork_in_child():
    global _direct, _outbox, _buf_lock, _trace_lock
    if _proto_out is None:
        return
    _direct = True
    _buf_lock = threading.Lock()  # another thread may have held them at the fork
    _trace_lock = threading.Lock()
    _outbox = queue.SimpleQueue()
    _bufs.clear()  # other threads' unfinished lines belong to the parent


os.register_at_fork(after_in_child=_after_fork_in_child)

# ------------------------------------------------------------------ the lab module: spans and marks

_trace_lock = threading.Lock()
_spans = {}  # run -> [[name, tid, lane, start, end], ...]
_marks = {}
MAX_SPANS = 20000  # per run: a trace Java can still draw at once
_dropped = {}  # run -> spans not kept beyond MAX_SPANS
_local = threading.local()  # .explicit: lab.spans this thread recorded (automatic spans yield to them)


def _take(store, run):
    with _trace_lock:
        return store.pop(run, [])


def _lane():
    """(lane id, lane label) of the code running now: its asyncio task, else its thread; in a child
    process, labelled by the process."""
    task = _current_task()
    pid = os.getpid()
    if task is not None:
        label = "task " + task.get_name()
        ident = -(id(task) & 0xFFFFFFFF) - 1  # a lane per task, apart from thread ids
    else:
        t = threading.current_thread()
        label, ident = t.name, threading.get_native_id()
    if pid != _main_pid:
        import multiprocessing
        proc = "%s pid %d" % (multiprocessing.current_process().name, pid)
        label = proc if label == "MainThread" else proc + " " + label
    return ident, label


def _current_task():
    if "asyncio" not in sys.modules:
        return None
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop in this thread
        return None


def _note(store, item):
    run = current_run()
    if _direct:  # a child process: the worker's Java side collects it
        _write_all(_frame({"ev": "span" if store is _spans else "mark", "run": run, "item": item}))
        return
    with _trace_lock:
        kept = store.setdefault(run, [])
        if len(kept) < MAX_SPANS:
            kept.append(item)
        else:
            _dropped[run] = _dropped.get(run, 0) + 1


def _explicit():
    task = _current_task()
    if task is not None:
        return getattr(task, "_conclab_explicit", 0)
    return getattr(_local, "explicit", 0)


def _count_explicit():
    task = _current_task()
    if task is not None:
        task._conclab_explicit = getattr(task, "_conclab_explicit", 0) + 1
    _local.explicit = getattr(_local, "explicit", 0) + 1


class _Span:
    __slots__ = ("name", "start", "auto", "before")

    def __init__(self, name, auto=False):
        self.name = str(name)
        self.auto = auto

    def __enter__(self):
        self.before = _explicit() if self.auto else 0
        self.start = time.monotonic_ns()
        return self

    def __exit__(self, *exc):
        end = time.monotonic_ns()
        if self.auto:
            if _explicit() != self.before:
                return False  # the code drew its own spans: they say more than one bar for the whole
        else:
            _count_explicit()
        ident, label = _lane()
        _note(_spans, [self.name, ident, label, self.start, end])
        return False


def _span(name):
    """with lab.span("name"): ... records a span on the current thread's (or asyncio task's) lane."""
    return _Span(name)


def _mark(text):
    """lab.mark("text"): an instant marker on the current thread's (or asyncio task's) lane."""
    ident, label = _lane()
    _note(_marks, [str(text), ident, label, time.monotonic_ns()])


def _traced(fn=None, *, name=None):
    """@lab.traced: each call of the function is a span named after it."""
    if fn is None:
        return functools.partial(_traced, name=name)
    label = name or fn.__qualname__

    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def awrapper(*args, **kwargs):
            with _Span(label):
                return await fn(*args, **kwargs)
        return awrapper

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _Span(label):
            return fn(*args, **kwargs)
    return wrapper


def _label_of(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__


class Traced:
    """A pool task that draws itself as a span, unless it draws its own (picklable: spawn children
    import this module by name)."""
    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args, **kwargs):
        with _Span(_label_of(self.fn), auto=True):
            return self.fn(*args, **kwargs)

    def __reduce__(self):
        return (Traced, (self.fn,))


_patched = [False]


def _patch_for_tracing():
    """What the lab draws without being asked: each thread's and process's run, each task of a
    concurrent.futures pool or multiprocessing pool, and each asyncio task's running slices (the gaps are
    its awaits). A thread, process or task that records its own lab.spans draws those instead."""
    if _patched[0]:
        return
    _patched[0] = True
    run = threading.Thread.run

    def thread_run(self):
        target = getattr(self, "_target", None)
        if target is None or getattr(target, "__module__", "").startswith(("concurrent.", "multiprocessing.", "asyncio.")):
            return run(self)
        with _Span(_label_of(target), auto=True):
            return run(self)
    threading.Thread.run = thread_run

    import multiprocessing.process as mpp
    prun = mpp.BaseProcess.run

    def process_run(self):
        target = getattr(self, "_target", None)
        if target is None or getattr(target, "__module__", "").startswith(("concurrent.", "multiprocessing.")):
            return prun(self)
        with _Span(_label_of(target), auto=True):
            return prun(self)
    mpp.BaseProcess.run = process_run

    import concurrent.futures as cf
    for cls in (cf.ThreadPoolExecutor, cf.ProcessPoolExecutor):
        def submit(self, fn, /, *args, _submit=cls.submit, **kwargs):
            return _submit(self, Traced(fn), *args, **kwargs)
        cls.submit = submit
    _exit = cf.ProcessPoolExecutor.__exit__

    def pool_exit(self, exc_type, exc, tb):
        """An interrupted `with ProcessPoolExecutor()` ends its children instead of waiting for every task."""
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            for p in list((getattr(self, "_processes", None) or {}).values()):
                p.terminate()
            self.shutdown(wait=False, cancel_futures=True)
            return False
        return _exit(self, exc_type, exc, tb)
    cf.ProcessPoolExecutor.__exit__ = pool_exit

    import multiprocessing.pool as mpool
    apply_async, map_async = mpool.Pool.apply_async, mpool.Pool._map_async

    def p_apply_async(self, func, *args, **kwargs):
        return apply_async(self, Traced(func), *args, **kwargs)

    def p_map_async(self, func, *args, **kwargs):
        return map_async(self, Traced(func), *args, **kwargs)
    mpool.Pool.apply_async, mpool.Pool._map_async = p_apply_async, p_map_async
    _trace_new_event_loops()


class _Steps(collections.abc.Coroutine):
    """A task's coroutine, timed step by step: each send/throw is the task running; between them it waits
    at an await. Records the running slices at the end, unless the task recorded its own lab.spans."""
    __slots__ = ("coro", "slices", "__weakref__")

    def __init__(self, coro):
        self.coro = coro
        self.slices = []

    def _step(self, fn, *args):
        start = time.monotonic_ns()
        try:
            return fn(*args)
        finally:
            end = time.monotonic_ns()
            if len(self.slices) < 2000:
                self.slices.append((start, end))
            # the last step ends the task: draw it
            if getattr(self.coro, "cr_frame", 1) is None:
                self._record()

    def send(self, value):
        return self._step(self.coro.send, value)

    def throw(self, *args):
        return self._step(self.coro.throw, *args)

    def close(self):
        return self.coro.close()

    def __await__(self):
        return self

    def __iter__(self):
        return self

    def __next__(self):
        return self.send(None)

    def _record(self):
        task = _current_task()
        if task is None or getattr(task, "_conclab_explicit", 0):
            return
        ident, label = _lane()
        name = getattr(self.coro, "__qualname__", "task")
        for s, e in self.slices:
            _note(_spans, [name, ident, label, s, e])
        self.slices = []


def _task_factory(loop, coro, **kwargs):
    frame = getattr(coro, "cr_frame", None)
    mine = frame is None or not frame.f_globals.get("__name__", "").startswith("asyncio.")
    if mine and asyncio.iscoroutine(coro) and not isinstance(coro, _Steps):  # asyncio's own tasks are not drawn
        coro = _Steps(coro)
    return asyncio.Task(coro, loop=loop, **kwargs)


def _trace_new_event_loops():
    """Every event loop made by asyncio.run, asyncio.Runner or asyncio.new_event_loop draws its tasks.

    The factory every one of them calls is wrapped, rather than an event loop policy installed: policies are
    deprecated since 3.14 and go in 3.16 (asyncio docs, "Policies")."""
    make = asyncio.events.new_event_loop

    @functools.wraps(make)
    def new_event_loop():
        loop = make()
        loop.set_task_factory(_task_factory)
        return loop
    asyncio.events.new_event_loop = asyncio.new_event_loop = new_event_loop


lab = types.ModuleType("lab", "Concurrency Lab tracing: lab.span(name), lab.mark(text), @lab.traced.\n"
                              "The spans of a %%python cell are Lab.pythonTrace() on the Java side.")
lab.span, lab.mark, lab.traced = _span, _mark, _traced
sys.modules["lab"] = lab

# ------------------------------------------------------------------ the session module (for spawn)

# The cells' namespace is a real module, __main__, so that pickle finds a cell's functions by name. A
# child started with spawn or forkserver runs a fresh interpreter: multiprocessing runs the file named by
# __main__.__file__ in it first. That file, the session module, holds what earlier cells defined that can
# be defined again without running the cells: imports, functions, classes, and names bound to literals.
_main_module = types.ModuleType("__main__")
_main_module.__dict__.update(__builtins__=builtins, lab=lab, __spec__=None)
user_ns = _main_module.__dict__
_defs = {}  # key -> (cell name, first line, source): imports first, then the rest, latest last
_session_version = [0]

_SESSION_HEAD = '''# The definitions of this session's %%%%python cells, for multiprocessing's spawn and forkserver children
import sys as _sys
_sys.path[:0] = %r
import conclab_cells as _conclab
_conclab.attach_child()
lab = _conclab.lab
_conclab.define(globals(), _DEFS)
'''


def _literal(node):
    try:
        ast.literal_eval(node)
        return True
    except Exception:
        return False


def _note_definitions(tree, source, name):
    """Keeps the cell's top-level imports, functions, classes and literal assignments for children."""
    lines = source.splitlines(True)
    changed = False
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            key = ("0import", ast.dump(node))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            key = ("1def", node.name)
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets) and _literal(node.value):
            key = ("1def", tuple(t.id for t in node.targets))
        else:
            continue
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        text = "".join(lines[first - 1:node.end_lineno])
        _defs.pop(key, None)
        _defs[key] = (name, first, text)
        changed = True
    if changed or _session_version[0] == 0:
        _write_session_module()


def _write_session_module():
    _session_version[0] += 1
    path = os.path.join(_session_dir, "conclab_session_%d.py" % _session_version[0])
    items = sorted(_defs.items(), key=lambda kv: kv[0][0])  # stable: imports first, in order
    body = _SESSION_HEAD % ([_session_dir, os.path.dirname(WORKER_FILE)],)
    body = body.replace("_DEFS)", repr([v for _, v in items]) + ")")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(body)
    os.replace(path + ".tmp", path)
    _main_module.__file__ = path


def define(ns, defs):
    """In a child: runs each kept definition, with the line numbers of its cell; one that fails is
    skipped (its name is then missing in the child, and the error names it)."""
    for name, first, text in defs:
        try:
            exec(compile("\n" * (first - 1) + text, name, "exec"), ns)
        except Exception:
            pass


# ------------------------------------------------------------------ figures, display, input

_INLINE_BACKEND = '''"""matplotlib inline for %%python cells: Agg drawing; show() sends the open figures to the notebook."""
from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas
from matplotlib.backend_bases import FigureManagerBase as FigureManager


def show(*args, **kwargs):
    import conclab_cells
    conclab_cells.show_figures()
'''


def _figure_png(fig):
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _is_figure(value):
    mpl = sys.modules.get("matplotlib.figure")
    return mpl is not None and isinstance(value, mpl.Figure)


def display(*values):
    """Shows each value under the cell now (its richest representation), as IPython's display()."""
    for value in values:
        send_display(_bundle(value))


def send_display(bundle):
    flush_all()  # what was printed before shows before it
    send({"ev": "display", "run": current_run(), "data": bundle})


def show_figures(keep=None):
    """plt.show(), and the end of a cell: each open figure shown once, then closed (IPython's inline
    backend does the same); keep: a figure shown as the cell's value instead."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    for num in plt.get_fignums():
        fig = plt.figure(num)
        if fig is not keep:
            send_display({"text/plain": repr(fig), "image/png": _figure_png(fig)})
    plt.close("all")


class StdinNotImplementedError(NotImplementedError):
    """input() where the front end takes no input (the request had allow_stdin false)."""


_asks = {}  # id -> [threading.Event, reply]; guarded by _asks_lock
_asks_lock = threading.Lock()
_ask_ids = [0]


def _ask(prompt, password):
    """A line from the notebook: an input box under the thread's cell; Java asks the front end."""
    out = sys.stdout
    if hasattr(out, "flush"):
        out.flush()
    with _asks_lock:
        _ask_ids[0] += 1
        k = _ask_ids[0]
        slot = _asks[k] = [threading.Event(), None]
    send({"ev": "input", "run": current_run(), "id": k, "prompt": str(prompt), "password": bool(password)})
    try:
        while not slot[0].wait(0.1):  # in short waits: a KeyboardInterrupt gets through
            pass
    finally:
        with _asks_lock:
            _asks.pop(k, None)
    reply = slot[1]
    if "error" in reply:
        raise StdinNotImplementedError(reply["error"])
    return reply.get("value", "")


def _input(prompt=""):
    return _ask(prompt, False)


def _getpass(prompt="Password: ", stream=None):
    return _ask(prompt, True)


# ------------------------------------------------------------------ completion and inspection

_NAME_AT_END = __import__("re").compile(r"[\w.]*$")
_NAME_AT_START = __import__("re").compile(r"^\w*")
_IMPORT = __import__("re").compile(r"^\s*(?:import\s+|from\s+)([\w.]*)$")


def complete(code, cursor):
    """Completions at cursor (an index in code points, as Python strings count): the names of the
    cells' namespace and builtins, attributes after a dot (rlcompleter), modules after import."""
    import rlcompleter
    line = code[:cursor].rsplit("\n", 1)[-1]
    m = _IMPORT.match(line)
    if m:
        import pkgutil
        token = m.group(1)
        if "." in token:
            return {"matches": [], "start": cursor, "end": cursor}
        names = sorted({mod.name for mod in pkgutil.iter_modules() if mod.name.startswith(token)}
                       | {n for n in sys.builtin_module_names if n.startswith(token)})
        return {"matches": [{"text": n, "type": "module"} for n in names], "start": cursor - len(token), "end": cursor}
    token = _NAME_AT_END.search(code[:cursor]).group(0)
    completer = rlcompleter.Completer(user_ns)
    found, seen = [], set()
    for state in range(2000):
        try:
            c = completer.complete(token, state)
        except Exception:
            break
        if c is None:
            break
        kind = "function" if c.endswith("(") or c.endswith("()") else ""
        c = c[:-1] if c.endswith("(") else c
        if c not in seen:
            seen.add(c)
            found.append({"text": c, "type": kind})
    return {"matches": found, "start": cursor - len(token), "end": cursor}


def _resolve(expr):
    parts = expr.split(".")
    if not parts[0]:
        raise LookupError(expr)
    if parts[0] in user_ns:
        obj = user_ns[parts[0]]
    elif hasattr(builtins, parts[0]):
        obj = getattr(builtins, parts[0])
    else:
        raise LookupError(expr)
    for p in parts[1:]:
        obj = getattr(obj, p)
    return obj


def _called_at(code, cursor):
    """The dotted name being called when the cursor is inside its parentheses: f(a, |)."""
    depth = 0
    for i in range(cursor - 1, -1, -1):
        ch = code[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return _NAME_AT_END.search(code[:i]).group(0)
            depth -= 1
        elif ch == "\n" and depth == 0 and i < cursor - 1 and not code[:i].rstrip().endswith((",", "(", "\\")):
            break
    return ""


def inspect_at(code, cursor, detail=0):
    """What Shift-Tab shows for the name at cursor (or the function being called): its signature,
    type, value and docstring; with detail 1, its source too. None when there is no such name."""
    import inspect
    expr = (_NAME_AT_END.search(code[:cursor]).group(0) + _NAME_AT_START.search(code[cursor:]).group(0)).strip(".")
    obj = None
    for candidate in (expr, _called_at(code, cursor)):
        if not candidate:
            continue
        try:
            obj, expr = _resolve(candidate), candidate
            break
        except Exception:
            obj = None
    else:
        return None
    if obj is None and expr not in user_ns:
        return None
    out = []
    if callable(obj):
        try:
            out.append("Signature: %s%s" % (expr.rsplit(".", 1)[-1], inspect.signature(obj)))
        except (TypeError, ValueError):
            pass
    out.append("Type:      " + type(obj).__name__)
    if not callable(obj) and not inspect.ismodule(obj):
        text = repr(obj)
        out.append("Value:     " + (text if len(text) < 400 else text[:400] + "…"))
    where = getattr(obj, "__code__", None)
    if where is not None and where.co_filename.startswith("<cell"):
        out.append("Defined:   %s, line %d" % (where.co_filename, where.co_firstlineno))
    doc = inspect.getdoc(obj)
    if doc:
        out.append("Docstring:\n" + doc)
    if detail:
        try:
            out.append("Source:\n" + inspect.getsource(obj))
        except (OSError, TypeError):
            pass
    return "\n".join(out)


def _answer(msg):
    """complete and inspect requests, answered on the reader thread (a cell may be running)."""
    try:
        if msg["op"] == "complete":
            body = complete(msg["code"], msg["cursor"])
        else:
            body = {"text": inspect_at(msg["code"], msg["cursor"], msg.get("detail", 0))}
    except Exception as e:
        body = {"problem": "%s: %s" % (type(e).__name__, e)}
    body.update(ev="reply", id=msg["id"])
    send(body)


# ------------------------------------------------------------------ running a cell

FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def _run_code(code):
    result = eval(code, user_ns)
    if code.co_flags & 0x80:  # CO_COROUTINE: the cell used top-level await
        result = asyncio.run(result)
    return result


def _cell_frames(tb, name):
    """The traceback from the cell's first frame on (the worker's frames, and asyncio's running a
    top-level await, are hidden); when the cell has no frame in it, without the worker's frames."""
    t = tb
    while t is not None and t.tb_frame.f_code.co_filename != name:
        t = t.tb_next
    if t is not None:
        return t
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == WORKER_FILE:
        tb = tb.tb_next
    return tb


def _error(e, tb):
    te = traceback.TracebackException(type(e), e, tb)
    # the worker's frames are hidden wherever they are (its SIGINT handler's, below the cell's)
    te.stack = traceback.StackSummary.from_list(
        [f for f in te.stack if os.path.abspath(f.filename) != WORKER_FILE])
    lines = "".join(te.format()).rstrip("\n").split("\n")
    return {"ok": False, "ename": type(e).__name__, "evalue": str(e), "traceback": lines}


def _bundle(value):
    if _is_figure(value):
        return {"text/plain": repr(value), "image/png": _figure_png(value)}
    bundle = {"text/plain": repr(value)}
    for mime, method in (("text/html", "_repr_html_"), ("image/png", "_repr_png_"),
                         ("text/markdown", "_repr_markdown_"), ("image/svg+xml", "_repr_svg_")):
        fn = getattr(value, method, None)
        if callable(fn) and not isinstance(value, type):
            try:
                data = fn()
            except Exception:
                continue
            if data is None:
                continue
            if isinstance(data, bytes):
                data = base64.b64encode(data).decode("ascii")
            bundle[mime] = data
    return bundle


def _survivors(run):
    """Lines naming the threads of this cell that the interrupt did not stop (only the main thread
    receives KeyboardInterrupt; the others run on, as a Java cell's do in a library loop)."""
    main = threading.main_thread()
    alive = [t for t in threading.enumerate()
             if t is not main and getattr(t, "_conclab_run", None) == run and t.is_alive()]
    if not alive:
        return []
    names = ", ".join("%s%s" % (t.name, " (daemon)" if t.daemon else "") for t in alive)
    return ["Python threads of this cell still running (KeyboardInterrupt reaches the main thread only): " + names]


def run_cell(run, source, name):
    threading.main_thread()._conclab_run = run
    _last_run[0] = run
    os.environ["CONCLAB_RUN"] = str(run)  # a spawned child's output goes under this cell
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    try:
        tree = compile(source, name, "exec", ast.PyCF_ONLY_AST | FLAGS)
    except SyntaxError as e:
        return _error(e, None)
    try:
        _note_definitions(tree, source, name)
    except Exception as e:  # the session module is a help for spawn, never a reason for a cell to fail
        print("(the definitions of this cell are not available to spawn children: %s)" % e, file=sys.stderr)
    try:
        return _run_tree(tree, name, run)
    finally:
        try:
            show_figures(keep=user_ns.get("_") if _is_figure(user_ns.get("_")) else None)
        except Exception as e:
            print("(matplotlib figures could not be shown: %s)" % e, file=sys.stderr)


def _run_tree(tree, name, run):
    user_ns.pop("_", None)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    try:
        _run_code(compile(tree, name, "exec", FLAGS))
        value = None
        if last is not None:
            value = _run_code(compile(last, name, "eval", FLAGS))
    except BaseException as e:  # KeyboardInterrupt and SystemExit too: the worker goes on
        reply = _error(e, _cell_frames(e.__traceback__, name))
        if isinstance(e, KeyboardInterrupt):
            reply["traceback"] += _survivors(run)
        return reply
    if value is None:
        return {"ok": True, "value": None}
    user_ns["_"] = value  # also what show_figures leaves to the result when it is a figure
    try:
        return {"ok": True, "value": _bundle(value)}
    except BaseException as e:
        return _error(e, _cell_frames(e.__traceback__, name))


def _reader(work):
    """Reads frames from Java; an interrupt is a SIGINT to the main thread, at once."""
    main = threading.main_thread().ident
    while True:
        head = _read_exact(4)
        if head is None:
            _end_all()
        body = _read_exact(struct.unpack(">I", head)[0])
        if body is None:
            _end_all()
        msg = json.loads(body.decode("utf-8"))
        op = msg.get("op")
        if op in ("complete", "inspect"):
            _answer(msg)
        elif op == "input_reply":
            with _asks_lock:
                slot = _asks.get(msg.get("id"))
            if slot is not None:
                slot[1] = msg
                slot[0].set()
        elif op == "interrupt":
            with _running_lock:
                if _running[0] == msg.get("run"):
                    _sigint_handled.clear()
                    _interrupt_children()
                    threading.Thread(target=_interrupt, args=(msg.get("run"), main), name="conclab-interrupt",
                                     daemon=True).start()
                else:  # not started yet: it will not start
                    _cancelled.add(msg.get("run"))
        else:
            work.put(msg)


def _interrupt_children():
    """SIGINT to every process the worker started (its process group, itself excepted), as a terminal's
    Ctrl-C or jupyter_client's signal interrupt reaches a Python kernel's children: multiprocessing and
    pool workers get KeyboardInterrupt too. (forkserver and resource_tracker ignore SIGINT.)"""
    me = os.getpid()
    try:
        names = os.listdir("/proc")
    except OSError:
        return
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        try:
            if os.getpgid(int(name)) == me:
                os.kill(int(name), signal.SIGINT)
        except OSError:
            pass


def _interrupt(run, main):
    """SIGINT to the main thread until its handler ran. Once is not always enough: a signal that lands
    just before a blocking call (time.sleep) is noted, but the call sleeps on without looking at it."""
    for _ in range(40):
        with _running_lock:
            if _running[0] != run:
                return
            signal.pthread_kill(main, signal.SIGINT)
        if _sigint_handled.wait(0.05):
            return


_sigint_handled = threading.Event()


def _on_sigint(signum, frame):
    _sigint_handled.set()
    raise KeyboardInterrupt


_running_lock = threading.Lock()
_running = [None]  # the run the main thread is in; guarded by _running_lock
_cancelled = set()  # runs interrupted before they started; guarded by _running_lock


def _watch_parent(parent):
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            _end_all()


def gil_enabled():
    probe = getattr(sys, "_is_gil_enabled", None)
    return True if probe is None else bool(probe())


_main_module_name = __name__  # "__main__" in the worker (run as a script), "conclab_cells" in a child
Traced.__module__ = "conclab_cells"  # pickled by name: spawn children import this module by that name
sys.modules.setdefault("conclab_cells", sys.modules[__name__])


def main():
    try:
        os.setsid()  # a process group of our own: killing it ends every child too
    except OSError:
        pass
    _become_worker()
    sys.stdout = sys.__stdout__ = CellWriter(False)
    sys.stderr = sys.__stderr__ = CellWriter(True)
    sys.modules["conclab_cells"] = sys.modules[_main_module_name]
    sys.modules["__main__"] = _main_module
    builtins.input = _input
    import getpass
    getpass.getpass = _getpass
    user_ns["display"] = display
    _patch_for_tracing()
    _write_session_module()
    signal.signal(signal.SIGINT, _on_sigint)
    threading.Thread(target=_sender, name="conclab-sender", daemon=True).start()
    work = queue.Queue()
    threading.Thread(target=_reader, args=(work,), name="conclab-reader", daemon=True).start()
    threading.Thread(target=_watch_parent, args=(os.getppid(),), name="conclab-parent", daemon=True).start()
    send({"ev": "hello", "version": sys.version.split()[0], "gil": gil_enabled(), "pid": os.getpid(),
          "executable": sys.executable})
    while True:
        try:
            msg = work.get()
        except KeyboardInterrupt:  # arrived between cells: nothing to stop
            continue
        run = msg["run"]
        try:
            with _running_lock:
                cancelled = run in _cancelled
                _cancelled.discard(run)
                _running[0] = None if cancelled else run
            if cancelled:
                reply = {"ok": False, "ename": "KeyboardInterrupt", "evalue": "interrupted before it started",
                         "traceback": ["KeyboardInterrupt: interrupted before it started"]}
            else:
                reply = run_cell(run, msg["code"], msg.get("name", "<cell>"))
        except KeyboardInterrupt:  # it landed in the worker's own code around the cell's
            reply = {"ok": False, "ename": "KeyboardInterrupt", "evalue": "", "traceback": ["KeyboardInterrupt"]}
        finally:
            with _running_lock:
                _running[0] = None
        while True:
            try:
                flush_all()
                reply.update(ev="done", run=run, spans=_take(_spans, run), marks=_take(_marks, run))
                send(reply)
                break
            except KeyboardInterrupt:
                continue


if _main_module_name == "__main__":
    main()
