"""Concurrency Lab: the CPython worker behind %%python cells (conclab.task.PythonWorker).

One worker per kernel (or per PythonWorker in plain JShell), kept for the session: what one cell defines,
the next cell sees. Pure standard library.

Protocol: frames, each a 4-byte big-endian length then that many bytes of UTF-8 JSON.
  Java -> worker, on standard input (fd 0 at start; moved away so cells cannot read it):
    {"op": "run", "run": id, "code": text, "name": "<cell [3]>"}
    {"op": "interrupt", "run": id}  KeyboardInterrupt in the main thread (SIGINT to it, again every 50 ms
                                    until its handler ran) if it runs that run; a run not started yet is
                                    answered with KeyboardInterrupt unrun
  worker -> Java, on what was standard output at start (fd 1; fd 1 and 2 then both go to the real
  standard error, which the Java side shows under the last cell):
    {"ev": "hello", "version": "3.11.2", "gil": true, "pid": p, "executable": path}
    {"ev": "out", "run": id, "err": false, "text": "..."}          a piece a thread of that run printed
    {"ev": "out", ..., "src": "pid:thread", "more": true|false}   a piece of one long write: Java joins
                                    the pieces of a source up to the one with "more": false
    {"ev": "done", "run": id, "ok": true, "value": {mime: data} | null,
     "spans": [[name, tid, thread, start_ns, end_ns], ...], "marks": [[text, tid, thread, at_ns], ...]}
    {"ev": "done", "run": id, "ok": false, "ename": "ValueError", "evalue": "...", "traceback": [line, ...], ...}
Every frame of the worker process is written by one os.write of the whole frame; the main process's
frames go through one sender thread (so a KeyboardInterrupt never cuts a frame in two); forked children
(multiprocessing) write their output frames themselves. Output frames are at most PIPE_BUF bytes, so a
pipe keeps them whole when several processes write; a larger frame ("done" with a big value or trace)
could be split by a child's output only if the pipe is full at that moment (Java reads it at once).

Which run a piece of output belongs to: the thread's cell. The main thread takes the cell it runs; a
thread takes the cell of the thread that created it (threading.Thread.__init__ notes it); a forked
child keeps its forking thread's. The worker ends when its input closes (the kernel is gone), killing
its process group (it starts a session of its own), and every second checks that its parent lives.
"""

import ast
import asyncio
import base64
import functools
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

_proto_in = os.dup(0)
_proto_out = os.dup(1)
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
os.dup2(2, 1)  # C-level writes to fd 1 (and children's) go to the real standard error
sys.stdin = open(os.devnull)
_outbox = queue.SimpleQueue()
_direct = False  # True in a forked child: frames are written at once, by the writing thread
_main_pid = os.getpid()


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


sys.stdout = CellWriter(False)
sys.stderr = CellWriter(True)
sys.__stdout__ = sys.stdout
sys.__stderr__ = sys.stderr


def _after_fork_in_child():
    global _direct, _outbox, _buf_lock, _trace_lock
    _direct = True
    _buf_lock = threading.Lock()  # another thread may have held them at the fork
    _trace_lock = threading.Lock()
    _outbox = queue.SimpleQueue()
    _bufs.clear()  # other threads' unfinished lines belong to the parent


os.register_at_fork(after_in_child=_after_fork_in_child)

# ------------------------------------------------------------------ the lab module: spans and marks

_trace_lock = threading.Lock()
_spans = {}  # run -> [[name, tid, thread name, start, end], ...]
_marks = {}


def _take(store, run):
    with _trace_lock:
        return store.pop(run, [])


def _note(store, item):
    run = current_run()
    with _trace_lock:
        store.setdefault(run, []).append(item)


class _Span:
    __slots__ = ("name", "start")

    def __init__(self, name):
        self.name = str(name)

    def __enter__(self):
        self.start = time.monotonic_ns()
        return self

    def __exit__(self, *exc):
        end = time.monotonic_ns()
        t = threading.current_thread()
        _note(_spans, [self.name, threading.get_native_id(), t.name, self.start, end])
        return False


def _span(name):
    """with lab.span("name"): ... records a span on the current thread's lane."""
    return _Span(name)


def _mark(text):
    """lab.mark("text"): an instant marker on the current thread's lane."""
    t = threading.current_thread()
    _note(_marks, [str(text), threading.get_native_id(), t.name, time.monotonic_ns()])


def _traced(fn=None, *, name=None):
    """@lab.traced: each call of the function is a span named after it."""
    if fn is None:
        return functools.partial(_traced, name=name)
    label = name or fn.__qualname__

    if asyncio.iscoroutinefunction(fn):
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


lab = types.ModuleType("lab", "Concurrency Lab tracing: lab.span(name), lab.mark(text), @lab.traced.\n"
                              "The spans of a %%python cell are Lab.pythonTrace() on the Java side.")
lab.span, lab.mark, lab.traced = _span, _mark, _traced
sys.modules["lab"] = lab

# ------------------------------------------------------------------ running a cell

user_ns = {"__name__": "__main__", "__builtins__": __builtins__, "lab": lab}
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
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    try:
        tree = compile(source, name, "exec", ast.PyCF_ONLY_AST | FLAGS)
    except SyntaxError as e:
        return _error(e, None)
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
    user_ns["_"] = value
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
        if msg.get("op") == "interrupt":
            with _running_lock:
                if _running[0] == msg.get("run"):
                    _sigint_handled.clear()
                    threading.Thread(target=_interrupt, args=(msg.get("run"), main), name="conclab-interrupt",
                                     daemon=True).start()
                else:  # not started yet: it will not start
                    _cancelled.add(msg.get("run"))
        else:
            work.put(msg)


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


def main():
    try:
        os.setsid()  # a process group of our own: killing it ends every child too
    except OSError:
        pass
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


if __name__ == "__main__":
    main()
