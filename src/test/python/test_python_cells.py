"""%%python cells: Python on the machine's CPython, in the same notebook, output and errors as Java cells'."""
import base64
import time

from conftest import TIMEOUT, drain_iopub, run, shell_reply, iopub_until_idle, stdout, wait_for_text


def result_text(msgs):
    res = [m for m in msgs if m["msg_type"] == "execute_result"]
    return res[0]["content"]["data"]["text/plain"] if res else None


def errors(msgs):
    return [m["content"] for m in msgs if m["msg_type"] == "error"]


def test_first_cell_names_the_interpreter_and_gives_the_last_value(kc):
    reply, msgs = run(kc, "%%python\nimport sys\nprint('hello from', sys.implementation.name)\n6 * 7")
    assert reply["content"]["status"] == "ok", reply["content"]
    out = stdout(msgs)
    assert "hello from cpython" in out
    first = out.splitlines()[0]
    assert first.startswith("CPython 3.") and "GIL" in first, first   # the interpreter, named once
    assert result_text(msgs) == "42"
    _, msgs = run(kc, "%%python\n1")
    assert "CPython 3." not in stdout(msgs)


def test_a_variable_is_kept_across_cells(kc):
    run(kc, "%%python\ndef twice(x):\n    return 2 * x\nkept = [1, 2, 3]")
    reply, msgs = run(kc, "%%python\ntwice(len(kept))")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert result_text(msgs) == "6"


def test_output_of_four_threads_lands_under_the_cell_in_order(kc):
    code = ("%%python\nimport threading\n"
            "def work(k):\n"
            "    for i in range(50):\n"
            "        print(f't{k} {i}')\n"
            "ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]\n"
            "for t in ts: t.start()\n"
            "for t in ts: t.join()\n")
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    lines = stdout(msgs).splitlines()
    for k in range(4):
        mine = [line for line in lines if line.startswith(f"t{k} ")]
        assert mine == [f"t{k} {i}" for i in range(50)]


def test_late_output_of_a_python_thread_lands_under_its_own_cell(kc):
    first = kc.execute("%%python\nimport threading\ngate = threading.Event()\n"
                       "def late():\n    gate.wait()\n    print('late from python')\n"
                       "threading.Thread(target=late).start()")
    second = kc.execute("%%python\ngate.set()")
    msgs = drain_iopub(kc, lambda got: any("late from python" in (m["content"].get("text") or "") for m in got))
    late = [m for m in msgs if "late from python" in (m["content"].get("text") or "")]
    assert late and late[0]["parent_header"]["msg_id"] == first
    assert late[0]["parent_header"]["msg_id"] != second


def test_an_exception_shows_a_python_traceback_with_the_cells_line(kc):
    reply, msgs = run(kc, "%%python\nx = 1\ny = 2\nraise ValueError('bad ' + str(x + y))")
    c = reply["content"]
    assert c["status"] == "error"
    assert c["ename"] == "ValueError" and c["evalue"] == "bad 3"
    tb = "\n".join(c["traceback"])
    assert 'File "<cell [' in tb and "line 3" in tb, tb
    assert "cells.py" not in tb, tb
    assert errors(msgs) and errors(msgs)[0]["ename"] == "ValueError"


def test_a_syntax_error_names_its_line(kc):
    reply, _ = run(kc, "%%python\nok = 1\ndef broken(:")
    assert reply["content"]["ename"] == "SyntaxError"
    assert "line 2" in "\n".join(reply["content"]["traceback"])


def test_top_level_await_and_asyncio_run(kc):
    reply, msgs = run(kc, "%%python\nimport asyncio\nawait asyncio.sleep(0.01)\nawaited = await asyncio.sleep(0, 'ok')\nawaited")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert result_text(msgs) == "'ok'"
    reply, msgs = run(kc, "%%python\nasync def f():\n    return 5\nasyncio.run(f())")
    assert result_text(msgs) == "5"
    reply, _ = run(kc, "%%python\nasync def g():\n    raise KeyError('k')\nawait g()")
    tb = "\n".join(reply["content"]["traceback"])
    assert reply["content"]["ename"] == "KeyError" and "line 2, in g" in tb and "line 3, in <module>" in tb, tb
    assert "asyncio" not in tb, "the worker's own running of the await is hidden: " + tb


def test_rich_value_shows_as_html(kc):
    reply, msgs = run(kc, "%%python\nclass T:\n    def _repr_html_(self): return '<b>bold</b>'\nT()")
    res = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert res["text/html"] == "<b>bold</b>"


def test_rich_value_shows_as_png(kc):
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
    reply, msgs = run(kc, "%%python\nimport base64\nclass P:\n    def _repr_png_(self):\n"
                          f"        return base64.b64decode({base64.b64encode(png).decode()!r})\nP()")
    res = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert base64.b64decode(res["image/png"]) == png


def test_python_use_switches_the_interpreter_of_both_runners(kc):
    import os
    real = os.path.realpath("/usr/bin/python3")
    reply, msgs = run(kc, f"%python_use {real}")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert real in stdout(msgs)
    reply, msgs = run(kc, "%%python\nimport sys\nsys.executable")
    assert "fresh one" in stdout(msgs)
    assert result_text(msgs) == repr(real)
    reply, msgs = run(kc, "python().interpreter().toString()")
    assert result_text(msgs) == '"' + real + '"'
    reply, _ = run(kc, "%python_use /nonexistent/python3")
    assert reply["content"]["status"] == "error"
    reply, _ = run(kc, "%python_use /usr/bin/python3")
    assert reply["content"]["status"] == "ok"


def interrupt_within(kc, code, marker, limit=2.0):
    msg_id = kc.execute(code)
    wait_for_text(kc, msg_id, marker)
    t0 = time.monotonic()
    km_interrupt(kc)
    reply = shell_reply(kc, msg_id)
    took = time.monotonic() - t0
    iopub_until_idle(kc, msg_id)
    return reply["content"], took


def km_interrupt(kc):
    msg = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(msg)


def test_interrupt_of_a_busy_loop_then_the_next_cell_works(kc):
    c, took = interrupt_within(kc, "%%python\nprint('spinning', flush=True)\nwhile True: pass", "spinning")
    assert c["status"] == "error" and c["ename"] == "KeyboardInterrupt", c
    assert took < 2.0, took
    reply, msgs = run(kc, "%%python\n'still here'")
    assert result_text(msgs) == "'still here'"


def test_interrupt_of_a_sleep_then_the_next_cell_works(kc):
    c, took = interrupt_within(kc, "%%python\nimport time\nprint('sleeping', flush=True)\ntime.sleep(60)", "sleeping")
    assert c["ename"] == "KeyboardInterrupt", c
    assert took < 2.0, took
    reply, msgs = run(kc, "%%python\n1 + 1")
    assert result_text(msgs) == "2"


def test_an_interrupt_names_the_python_threads_it_left_running(kc):
    code = ("%%python\nimport threading, time\nstop_spinner = threading.Event()\n"
            "threading.Thread(target=stop_spinner.wait, name='spinner').start()\n"
            "print('started', flush=True)\ntime.sleep(60)")
    c, took = interrupt_within(kc, code, "started")
    assert c["ename"] == "KeyboardInterrupt", c
    assert "still running" in "\n".join(c["traceback"]) and "spinner" in "\n".join(c["traceback"]), c["traceback"]
    reply, _ = run(kc, "%%python\nstop_spinner.set()")
    assert reply["content"]["status"] == "ok"


def test_a_worker_that_ignores_the_interrupt_is_killed_and_replaced(kc):
    code = ("%%python\nimport signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "print('deaf', flush=True)\nwhile True: time.sleep(0.05)")
    c, took = interrupt_within(kc, code, "deaf")
    assert c["ename"] == "KeyboardInterrupt", c
    assert took < 3.0, took
    reply, msgs = run(kc, "%%python\n'fresh'")
    assert reply["content"]["status"] == "ok"
    assert "fresh one" in stdout(msgs)
    assert result_text(msgs) == "'fresh'"


def test_a_killed_worker_is_reported_and_replaced(kc):
    run(kc, "%%python\ndoomed = 1")
    reply, msgs = run(kc, "%%python\nimport os\nos._exit(3)")
    c = reply["content"]
    assert c["status"] == "error" and c["ename"] == "WorkerDied", c
    assert "exit code 3" in c["evalue"]
    reply, msgs = run(kc, "%%python\n'doomed' in globals()")
    assert result_text(msgs) == "False"
    assert "fresh one" in stdout(msgs)


def test_multiprocessing_children_print_under_the_cell(kc):
    code = ("%%python\nimport multiprocessing as mp\n"
            "def child(k):\n    print('child', k, flush=True)\n"
            "ctx = mp.get_context('fork')\n"
            "ps = [ctx.Process(target=child, args=(k,)) for k in range(2)]\n"
            "for p in ps: p.start()\n"
            "for p in ps: p.join()\n")
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    out = stdout(msgs)
    assert "child 0" in out and "child 1" in out


def test_a_trace_of_python_threads_draws_as_a_timeline(kc):
    code = ("%%python\nimport threading, time\n"
            "@lab.traced\ndef nap():\n    time.sleep(0.02)\n"
            "def work():\n    with lab.span('busy'):\n        sum(range(10000))\n    nap()\n    lab.mark('done')\n"
            "ts = [threading.Thread(target=work, name=f'py-{k}') for k in range(3)]\n"
            "for t in ts: t.start()\n"
            "for t in ts: t.join()\n")
    reply, _ = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    reply, msgs = run(kc, "pythonTrace().spans().size()")
    assert result_text(msgs) == "6"
    reply, msgs = run(kc, "pythonTrace().spans().stream().map(s -> s.lane()).distinct().sorted().toList()")
    assert result_text(msgs) == "[py-0, py-1, py-2]"
    reply, msgs = run(kc, "Charts.timeline(pythonTrace())")
    res = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert base64.b64decode(res["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"


def alive(pid):
    """True while process pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:") and "Z" in line for line in f)
    except FileNotFoundError:
        return False


def wait_gone(pids, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def python_pids_of_a_fresh_kernel():
    from jupyter_client.manager import start_new_kernel
    from conftest import KERNEL
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT)
    reply, msgs = run(kc, "%%python\nimport os, subprocess\nchild = subprocess.Popen(['sleep', '300'])\n(os.getpid(), child.pid)")
    assert reply["content"]["status"] == "ok", reply["content"]
    pids = [int(p) for p in result_text(msgs).strip("()").split(",")]
    return km, kc, pids


def test_no_python_process_outlives_a_kernel_that_is_killed():
    km, kc, pids = python_pids_of_a_fresh_kernel()
    kc.stop_channels()
    import os, signal
    os.kill(km.provisioner.process.pid, signal.SIGKILL)   # no shutdown hook runs: the worker sees its input close
    km.provisioner.process.wait()
    km.cleanup_resources()
    assert wait_gone(pids) == []


def test_no_python_process_outlives_a_kernel_that_shuts_down():
    km, kc, pids = python_pids_of_a_fresh_kernel()
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    assert wait_gone(pids) == []


def test_long_and_non_ascii_output_from_forked_children_arrives_whole(kc):
    code = ("%%python\nimport multiprocessing as mp\n"
            "def child(k):\n    for i in range(20):\n        print(f'{k}:' + 'é€😀' * 700, flush=True)\n"
            "ctx = mp.get_context('fork')\n"
            "ps = [ctx.Process(target=child, args=(k,)) for k in range(3)]\n"
            "for p in ps: p.start()\n"
            "for p in ps: p.join()\n"
            "print('parent done')")
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    lines = stdout(msgs).splitlines()
    for k in range(3):
        assert lines.count(f"{k}:" + "é€😀" * 700) == 20
    assert "parent done" in lines


def test_without_a_python_the_cells_say_so_once_and_run_all_goes_on():
    """A lesson's %%python cells on a machine with no usable python3: one line under the first, no error
    (Run All does not stop), nothing under the next; Java cells and %python_use still work."""
    import os
    from jupyter_client.manager import start_new_kernel
    from conftest import KERNEL
    env = dict(os.environ, CONCLAB_PYTHON="/nonexistent/python3")
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT, env=env)
    try:
        reply, msgs = run(kc, "%%python\nprint('ran')")
        assert reply["content"]["status"] == "ok", reply["content"]
        said = stdout(msgs).splitlines()
        assert len(said) == 1 and "%%python cells are skipped" in said[0] and "/nonexistent/python3" in said[0], said
        assert not errors(msgs) and "ran" not in said[0]
        reply, msgs = run(kc, "%%python\nprint('ran')")
        assert reply["content"]["status"] == "ok" and stdout(msgs) == "", (reply["content"], stdout(msgs))
        reply, msgs = run(kc, "6 * 7")
        assert result_text(msgs) == "42"
        reply, msgs = run(kc, "%python_use /usr/bin/python3")   # a Python named by hand: the cells run again
        assert reply["content"]["status"] == "ok", reply["content"]
        reply, msgs = run(kc, "%%python\nprint('ran')")
        assert reply["content"]["status"] == "ok" and "ran" in stdout(msgs).splitlines(), stdout(msgs)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


# ---------------------------------------------------------------- Tab and Shift-Tab in a %%python cell

def complete(kc, code, cursor=None):
    msg_id = kc.complete(code, len(code) if cursor is None else cursor)
    return shell_reply(kc, msg_id)["content"]


def inspect_reply(kc, code, cursor=None, detail=0):
    msg_id = kc.inspect(code, len(code) if cursor is None else cursor, detail_level=detail)
    return shell_reply(kc, msg_id)["content"]


def test_tab_in_a_python_cell_completes_python_names_of_earlier_cells(kc):
    run(kc, "%%python\nimport collections\ndef déjà_vu_counter(n):\n    '''Counts to n.'''\n    return n\nmy_total = 3")
    c = complete(kc, "%%python\nx = 1\nmy_to")
    assert c["status"] == "ok" and "my_total" in c["matches"], c
    head = len("%%python\nx = 1\n")
    assert (c["cursor_start"], c["cursor_end"]) == (head, head + len("my_to")), c
    c = complete(kc, "%%python\ncollections.Ord")
    assert "collections.OrderedDict" in c["matches"], c
    c = complete(kc, "%%python\nimport thr")
    assert "threading" in c["matches"], c
    # Java names are not offered in a Python cell, nor Python names in a Java cell
    assert "System" not in complete(kc, "%%python\nSys")["matches"]
    assert "my_total" not in complete(kc, "my_to")["matches"]


def test_completion_positions_count_code_points(kc):
    # "😀" is 1 code point (the protocol's unit) but 2 UTF-16 units (Java's) and 4 UTF-8 bytes
    code = "%%python\ns = '😀😀'; déjà_vu"
    c = complete(kc, code)
    assert "déjà_vu_counter" in c["matches"], c
    assert c["cursor_end"] == len(code) and c["cursor_start"] == len(code) - len("déjà_vu"), c
    # a cursor in the middle of the cell, after non-BMP characters
    code = "%%python\n'😀'; my_to\nprint(1)"
    cursor = code.index("my_to") + len("my_to")
    c = complete(kc, code, cursor)
    assert "my_total" in c["matches"] and c["cursor_start"] == code.index("my_to"), c


def test_shift_tab_in_a_python_cell_shows_the_python_signature_and_docstring(kc):
    c = inspect_reply(kc, "%%python\ndéjà_vu_counter")
    assert c["status"] == "ok" and c["found"], c
    text = c["data"]["text/plain"]
    assert "déjà_vu_counter(n)" in text and "Counts to n." in text, text
    # inside the call's parentheses, the function called
    code = "%%python\n'😀'; déjà_vu_counter(3, "
    c = inspect_reply(kc, code)
    assert c["found"] and "déjà_vu_counter(n)" in c["data"]["text/plain"], c
    c = inspect_reply(kc, "%%python\ndéjà_vu_counter", detail=1)
    assert "return n" in c["data"]["text/plain"], c   # detail 1: the source, from the cell
    c = inspect_reply(kc, "%%python\nno_such_name_here")
    assert c["status"] == "ok" and not c["found"], c


# ---------------------------------------------------------------- matplotlib inline

def pngs(msgs, kind):
    return [base64.b64decode(m["content"]["data"]["image/png"]) for m in msgs
            if m["msg_type"] == kind and "image/png" in m["content"]["data"]]


def test_a_figure_as_the_value_shows_once_as_png(kc):
    reply, msgs = run(kc, "%%python\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 3, 2])\nfig")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert len(pngs(msgs, "execute_result")) == 1 and pngs(msgs, "execute_result")[0][:4] == b"\x89PNG"
    assert pngs(msgs, "display_data") == []   # not a second time as a figure left open


def test_plt_show_and_figures_left_open_show_inline(kc):
    code = ("%%python\nimport matplotlib, matplotlib.pyplot as plt\n"
            "print(matplotlib.get_backend())\n"
            "plt.plot([1, 2]); print('before show', flush=True)\nplt.show()\nprint('after show')\n"
            "plt.figure(); plt.bar(['a', 'b'], [1, 2])\n")
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    shown = [m for m in msgs if m["msg_type"] in ("display_data", "stream")]
    kinds = [("png" if m["msg_type"] == "display_data" else m["content"]["text"]) for m in shown]
    flat = "".join(k if k != "png" else "<png>" for k in kinds)
    assert flat.index("before show") < flat.index("<png>") < flat.index("after show"), flat
    assert flat.count("<png>") == 2, flat   # show()'s figure, then the one left open at the end
    # shown once: the next cell shows nothing
    _, msgs = run(kc, "%%python\n1")
    assert pngs(msgs, "display_data") == []


# ---------------------------------------------------------------- input()

def test_input_asks_the_front_end_and_returns_the_line(kc):
    msg_id = kc.execute("%%python\nname = input('Your name? ')\nprint('hello', name)", allow_stdin=True)
    req = kc.get_stdin_msg(timeout=TIMEOUT)
    assert req["msg_type"] == "input_request" and req["content"]["prompt"] == "Your name? "
    assert req["parent_header"]["msg_id"] == msg_id
    kc.input("Ada 😀")
    reply = shell_reply(kc, msg_id)
    msgs = iopub_until_idle(kc, msg_id)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "hello Ada 😀" in stdout(msgs)


def test_input_without_stdin_is_a_clear_python_error(kc):
    reply, _ = run(kc, "%%python\ninput('? ')", allow_stdin=False)
    c = reply["content"]
    assert c["status"] == "error" and c["ename"] == "StdinNotImplementedError", c
    assert "allow_stdin" in c["evalue"], c


# ---------------------------------------------------------------- multiprocessing: spawn and forkserver

def test_cell_functions_work_in_a_spawn_pool_and_their_output_lands_under_the_cell(kc):
    run(kc, "%%python\nimport multiprocessing as mp, os\nFACTOR = 3\n"
            "def scaled(k):\n    print('spawned child', os.getpid(), flush=True)\n    return k * FACTOR")
    reply, msgs = run(kc, "%%python\nwith mp.get_context('spawn').Pool(2) as pool:\n    got = pool.map(scaled, range(4))\n"
                          "got, mp.get_context('spawn').Process().__class__.__name__")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert result_text(msgs) == "([0, 3, 6, 9], 'SpawnProcess')"
    assert stdout(msgs).count("spawned child") == 4, stdout(msgs)


def test_cell_functions_work_in_a_pool_with_the_default_start_method_and_forkserver(kc):
    run(kc, "%%python\ndef square(k):\n    return k * k")
    reply, msgs = run(kc, "%%python\nimport concurrent.futures as cf, multiprocessing as mp\n"
                          "with cf.ProcessPoolExecutor(2) as ex:\n    a = list(ex.map(square, range(5)))\n"
                          "with cf.ProcessPoolExecutor(2, mp_context=mp.get_context('forkserver')) as ex:\n"
                          "    b = list(ex.map(square, range(5)))\n"
                          "mp.get_start_method(), a, b")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert result_text(msgs) == "('fork', [0, 1, 4, 9, 16], [0, 1, 4, 9, 16])"


def test_a_spawn_child_missing_a_name_says_why(kc):
    run(kc, "%%python\nimport multiprocessing as mp\nnot_a_literal = object()\n"
            "def uses_it():\n    return repr(type(not_a_literal))")
    reply, msgs = run(kc, "%%python\nwith mp.get_context('spawn').Pool(1) as pool:\n    pool.apply(uses_it)")
    c = reply["content"]
    assert c["status"] == "error" and c["ename"] == "NameError" and "not_a_literal" in c["evalue"], c


# ---------------------------------------------------------------- interrupt: children included

def test_interrupt_stops_a_process_pool_busy_in_its_children(kc):
    code = ("%%python\nimport concurrent.futures as cf, os\n"
            "def spin(k):\n    print('pid', os.getpid(), flush=True)\n    while True: pass\n"
            "with cf.ProcessPoolExecutor(2) as ex:\n    fs = [ex.submit(spin, k) for k in range(8)]\n"
            "    cf.wait(fs)\n")
    msg_id = kc.execute(code)
    printed = ""
    while printed.count("pid ") < 2:   # both children busy
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream":
            printed += m["content"]["text"]
    t0 = time.monotonic()
    km_interrupt(kc)
    reply = shell_reply(kc, msg_id)
    took = time.monotonic() - t0
    iopub_until_idle(kc, msg_id)
    c = reply["content"]
    assert c["ename"] == "KeyboardInterrupt", c
    assert took < 2.0, took
    pids = [int(line.split()[1]) for line in printed.splitlines() if line.startswith("pid ")]
    assert len(pids) == 2 and wait_gone(pids, 5) == [], pids
    reply, msgs = run(kc, "%%python\n'after the pool'")
    assert result_text(msgs) == "'after the pool'"
    assert "fresh one" not in stdout(msgs)   # the worker survived


# ---------------------------------------------------------------- tracing: threads, processes, asyncio tasks

def test_a_timeline_of_threads_processes_and_asyncio_tasks_from_one_cell(kc):
    code = ("%%python\nimport threading, asyncio, time, concurrent.futures as cf, multiprocessing as mp\n"
            "def cpu(n):\n    return sum(range(n))\n"
            "ts = [threading.Thread(target=cpu, args=(200000,), name=f'thread-{k}') for k in range(2)]\n"
            "for t in ts: t.start()\n"
            "for t in ts: t.join()\n"
            "with cf.ProcessPoolExecutor(2, mp_context=mp.get_context('spawn')) as ex:\n"
            "    list(ex.map(cpu, [200000] * 4))\n"
            "async def fetch(k):\n    for _ in range(3):\n        await asyncio.sleep(0.02)\n        cpu(20000)\n"
            "async def main():\n    await asyncio.gather(*(asyncio.create_task(fetch(k), name=f'fetch-{k}') for k in range(2)))\n"
            "asyncio.run(main())\n")
    reply, _ = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    reply, msgs = run(kc, "var tr = pythonTrace(); tr.spans().stream().map(s -> s.lane()).distinct().sorted().toList()")
    lanes = result_text(msgs).strip("[]").split(", ")
    assert "thread-0" in lanes and "thread-1" in lanes, lanes
    procs = [lane for lane in lanes if lane.startswith("SpawnProcess-") and " pid " in lane]
    # the pool's processes, a lane each (a loaded machine may start the second after the first took every task)
    assert 1 <= len(procs) <= 2, lanes
    assert "task fetch-0" in lanes and "task fetch-1" in lanes, lanes
    # a task's lane shows its await gaps: at least 4 running slices (3 sleeps between them) with gaps
    reply, msgs = run(kc, "var f0 = tr.spans().stream().filter(s -> s.lane().equals(\"task fetch-0\"))"
                          ".sorted(java.util.Comparator.comparingLong(s -> s.startNanos())).toList();\n"
                          "f0.size() + \" \" + (f0.get(1).startNanos() - f0.get(0).endNanos() >= 15_000_000)")
    assert result_text(msgs) == '"4 true"', result_text(msgs)
    reply, msgs = run(kc, "tr.spans().stream().filter(s -> s.lane().startsWith(\"SpawnProcess\")).count()")
    assert result_text(msgs) == "4"                # each pool task a span, in its process's lane
    reply, msgs = run(kc, "Charts.timeline(tr)")
    res = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert base64.b64decode(res["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- plain JShell

def test_the_python_runner_from_plain_jshell(tmp_path):
    import os, subprocess
    jar = os.environ["CONCLAB_JAR"]
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "jshell")
    startup = os.path.join(os.environ["CONCLAB_ROOT"], "kernel", "startup.jsh")
    script = tmp_path / "py.jsh"
    script.write_text('var r = python("x = 20\\nprint(\'from python\', x)\\nx * 2 + 2");\n'
                      'System.out.println("value=" + r);\n'
                      'System.out.println("spans=" + pythonWorker().run("with lab.span(\'s\'): pass").trace().spans().size());\n'
                      'System.out.println(runPython("print(6 * 7)").out());\n'
                      '/exit\n')
    out = subprocess.run([java, "--class-path", jar, "--startup", startup, str(script)],
                         capture_output=True, text=True, timeout=180)
    assert "from python 20" in out.stdout and "value=42" in out.stdout, out.stdout + out.stderr
    assert "spans=1" in out.stdout and "42" in out.stdout.split("spans=1", 1)[1], out.stdout


# ---------------------------------------------------------------- the README's figure: Java and CPython side by side

def test_readme_figure_the_same_experiment_on_java_threads_cpython_threads_and_processes(kc):
    """Writes target/figures/python-vs-java-timeline.png (./lab screenshots copies it to docs/) and the
    makespans beside it: 4 tasks of equal CPU work on 4 Java threads, 4 CPython threads, 4 processes."""
    import os
    out = os.path.join(os.environ["CONCLAB_ROOT"], "target", "figures")
    os.makedirs(out, exist_ok=True)
    # Python: one task's size calibrated to ~150 ms alone, so the three panels compare like for like
    reply, _ = run(kc, "%%python\nimport threading, time, concurrent.futures as cf\n"
                       "def cpu(n):\n    x = 0\n    for i in range(n):\n        x += i\n    return x\n"
                       "t = time.perf_counter(); cpu(200_000); one = time.perf_counter() - t\n"
                       "N = int(200_000 * 0.150 / one)\n"
                       "def task(k):\n    with lab.span(f'task {k}'):\n        cpu(N)\n"
                       "ts = [threading.Thread(target=task, args=(k,), name=f'thread-{k}') for k in range(4)]\n"
                       "for t in ts: t.start()\n"
                       "for t in ts: t.join()\n")
    assert reply["content"]["status"] == "ok", reply["content"]
    run(kc, "var pyThreads = pythonTrace();")
    _, msgs = run(kc, "%%python\nt = time.perf_counter(); cpu(N); round((time.perf_counter() - t) * 1000)")
    py_solo = int(result_text(msgs))
    reply, _ = run(kc, "%%python\nwith cf.ProcessPoolExecutor(4) as ex:\n    list(ex.map(task, range(4)))\n")
    assert reply["content"]["status"] == "ok", reply["content"]
    png = os.path.join(out, "python-vs-java-timeline.png")
    reply, msgs = run(kc, "var pyProcs = pythonTrace();\n"
                          "var jr = experiment(cpu(ms(150))).tasks(4).on(platform(4)).repeat(1).run();\n"
                          "var javaThreads = jr.trace(jr.makespans().keySet().iterator().next());\n"
                          "java.util.function.ToLongFunction<conclab.trace.Trace> span = t -> (t.spans().stream().mapToLong(s -> s.endNanos()).max().getAsLong()"
                          " - t.spans().stream().mapToLong(s -> s.startNanos()).min().getAsLong()) / 1_000_000;\n"
                          "Charts.figure(Charts.timeline(javaThreads).size(560, 360).title(\"Java, 4 threads: \" + span.applyAsLong(javaThreads) + \" ms\"),\n"
                          "    Charts.timeline(pyThreads).size(560, 360).title(\"CPython \" + pyThreads.meta().get(\"python\").replace(\", GIL\", \"\") + \", 4 threads: \" + span.applyAsLong(pyThreads) + \" ms\"),\n"
                          "    Charts.timeline(pyProcs).size(560, 360).title(\"CPython, 4 processes: \" + span.applyAsLong(pyProcs) + \" ms\"))"
                          f".columns(3).save(java.nio.file.Path.of(\"{png}\"));\n"
                          "String.join(\" \", \"\" + span.applyAsLong(javaThreads), \"\" + span.applyAsLong(pyThreads), \"\" + span.applyAsLong(pyProcs),"
                          " \"\" + pyThreads.spans().stream().map(s -> s.lane()).distinct().count(), \"\" + pyProcs.spans().stream().map(s -> s.lane()).distinct().count())")
    assert reply["content"]["status"] == "ok", reply["content"]
    _, solo = run(kc, "var j1 = experiment(cpu(ms(150))).tasks(1).on(sequential()).repeat(1).run(); Math.round(j1.makespans().values().iterator().next())")
    java_solo = int(result_text(solo))
    java_ms, threads_ms, procs_ms, thread_lanes, proc_lanes = map(int, result_text(msgs).strip('"').split())
    assert thread_lanes == 4 and 1 <= proc_lanes <= 4, result_text(msgs)
    # the GIL: 4 CPython threads take about 4 tasks' time (they take turns); processes run 2 at a time
    cores = os.cpu_count()
    with open(os.path.join(out, "python-vs-java-timeline.txt"), "w") as f:
        f.write(f"cores={cores} java_one_task_alone_ms={java_solo} cpython_one_task_alone_ms={py_solo} java_threads_ms={java_ms} cpython_threads_ms={threads_ms} cpython_processes_ms={procs_ms} "
                f"load={os.getloadavg()[0]:.1f}\n")
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
