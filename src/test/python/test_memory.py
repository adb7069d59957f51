"""A full heap, deep recursion: errors with advice, and the kernel goes on. Kernel run with -Xmx256m."""
import json
import os
import shutil
import time
from queue import Empty

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL, TIMEOUT, run, shell_reply


@pytest.fixture(scope="module")
def kernel():
    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    small = os.path.join(os.path.dirname(spec.resource_dir), KERNEL + "-small-heap")
    shutil.copytree(spec.resource_dir, small, dirs_exist_ok=True)
    argv = list(spec.argv)
    java = next(i for i, a in enumerate(argv) if a.endswith("java"))   # the JVM (after the launcher's shell)
    argv.insert(java + 1, "-Xmx256m")
    with open(os.path.join(small, "kernel.json"), "w") as f:
        json.dump({**spec.to_dict(), "argv": argv}, f)
    km, kc = start_new_kernel(kernel_name=KERNEL + "-small-heap", startup_timeout=TIMEOUT)
    run(kc, "1")
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    shutil.rmtree(small, ignore_errors=True)


def test_stack_overflow_is_an_error_and_the_next_cell_runs(kc):
    reply, msgs = run(kc, "int down(int n) { return down(n + 1) + 1; }\ndown(0)")
    assert reply["content"]["status"] == "error"
    assert "StackOverflowError" in reply["content"]["ename"]
    assert "recursion" in "\n".join(reply["content"]["traceback"])
    assert run(kc, "1 + 1")[1][-1]["content"]["data"]["text/plain"] == "2"


def test_out_of_memory_in_a_cell_is_an_error_with_advice(kc):
    reply, msgs = run(kc, "var tooBig = new long[Integer.MAX_VALUE - 8];")
    assert reply["content"]["status"] == "error"
    assert "OutOfMemoryError" in reply["content"]["ename"]
    assert "restart" in "\n".join(reply["content"]["traceback"]).lower()
    assert run(kc, "1 + 2")[1][-1]["content"]["data"]["text/plain"] == "3"


def test_while_the_heap_stays_full_cells_are_refused_until_a_variable_is_freed(kc):
    # fill the heap to 94 % with live 128 KB pieces (the kernel keeps a little room to answer)
    reply, _ = run(kc, "var hog = new ArrayList<long[]>(); var rt = Runtime.getRuntime();\n"
                       "for (int round = 0; round < 3; round++) {\n"
                       "  System.gc();\n"
                       "  while (rt.totalMemory() - rt.freeMemory() < rt.maxMemory() * 0.94) hog.add(new long[1 << 14]);\n"
                       "}")
    assert reply["content"]["status"] == "ok"
    reply, msgs = run(kc, '"anything"')
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "OutOfMemory"
    assert "hog = null" in "\n".join(reply["content"]["traceback"]) or "= null" in "\n".join(reply["content"]["traceback"])
    # freeing the variable is always accepted, and then cells run again
    reply, _ = run(kc, "hog = null;")
    assert reply["content"]["status"] == "ok"
    assert run(kc, '"room again"')[1][-1]["content"]["data"]["text/plain"] == '"room again"'


def test_a_cell_that_catches_out_of_memory_and_keeps_the_heap_full_is_answered(kc):
    # the cell ends normally with the heap full: the kernel's reserve lets it answer, then it refuses
    # cells with advice until the variable is freed
    reply, _ = run(kc, "var hoard = new ArrayList<long[]>();\n"
                       "try { while (true) hoard.add(new long[1 << 14]); } catch (OutOfMemoryError e) { }")
    assert reply["content"]["status"] in ("ok", "error")
    reply, _ = run(kc, "hoard.size()")
    assert reply["content"]["status"] == "error" and "null" in "\n".join(reply["content"]["traceback"])
    assert run(kc, "hoard = null;")[0]["content"]["status"] == "ok"
    assert run(kc, '"room again"')[1][-1]["content"]["data"]["text/plain"] == '"room again"'


def probe(kc, timeout):
    """The kernel_info reply within timeout, or None."""
    msg_id = kc.kernel_info()
    try:
        return shell_reply(kc, msg_id, timeout)
    except (TimeoutError, Empty):
        return None


def test_a_thread_that_keeps_the_heap_full_never_leaves_a_zombie(kernel):
    # a cell thread grabs every byte the kernel frees: the kernel answers while it can, and when its own
    # threads cannot allocate any more it exits (the front end then offers a restart); it never stays
    # alive without answering
    km, kc = kernel
    kc.execute("var greedy = new ArrayList<long[]>();\n"
               "Thread.ofPlatform().daemon(true).start(() -> { while (true) {\n"
               "  try { greedy.add(new long[1 << 10]); } catch (OutOfMemoryError e) { Thread.onSpinWait(); } } });")
    deadline = time.monotonic() + 120
    outcome = None
    while time.monotonic() < deadline and outcome is None:
        if not km.is_alive():
            outcome = "exited"
        elif probe(kc, 20) is None:
            # no answer in 20 s: it must be on its way out, not lingering
            t = time.monotonic() + 20
            while km.is_alive() and time.monotonic() < t:
                time.sleep(0.2)
            assert not km.is_alive(), "the kernel is alive but does not answer: a zombie"
            outcome = "exited"
    print("kernel", outcome or "kept answering for 120 s")
    if outcome == "exited":
        assert km.provisioner.process.returncode in (3, -9, 137) or km.provisioner.process.poll() is not None
    km.restart_kernel(now=True)
    kc.wait_for_ready(timeout=TIMEOUT)
    assert run(kc, "1 + 1")[1][-1]["content"]["data"]["text/plain"] == "2"


def test_an_exit_past_the_guard_is_announced_under_the_cell(kernel):
    km, kc = kernel
    from conftest import drain_iopub
    msg_id = kc.execute('Runtime.class.getMethod("exit", int.class).invoke(Runtime.getRuntime(), 7);')
    msgs = drain_iopub(kc, lambda got: any("kernel is exiting" in (m["content"].get("text") or "") for m in got))
    notice = [m for m in msgs if "kernel is exiting" in (m["content"].get("text") or "")]
    assert notice and notice[0]["parent_header"]["msg_id"] == msg_id
    km.restart_kernel(now=True)   # what the front end offers
    kc.wait_for_ready(timeout=TIMEOUT)
    assert run(kc, "1 + 1")[1][-1]["content"]["data"]["text/plain"] == "2"
