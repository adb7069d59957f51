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
