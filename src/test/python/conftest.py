"""Shared fixtures: the Concurrency Lab kernel started through jupyter_client, as front ends start it.

Run through `./lab test kernel`, which builds the jar and installs the kernelspec into a private
JUPYTER_PATH (nothing of the user's own Jupyter set-up is read or written).
"""
import os
import socket
import time
from queue import Empty

import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import start_new_kernel

KERNEL = os.environ.get("CONCLAB_KERNEL", "conclab")
TIMEOUT = 60  # generous: a cold JVM on a loaded 2-core machine


def pytest_configure(config):
    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        pytest.exit(f"kernelspec '{KERNEL}' not found: run these tests through ./lab test kernel", 2)


@pytest.fixture(scope="module")
def kernel():
    """One kernel per test module: (manager, client)."""
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT)
    # the first cell waits for JShell to start: do it once here, not in a timed test
    run(kc, "1")
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


@pytest.fixture()
def kc(kernel):
    return kernel[1]


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    """The shell reply to msg_id (other replies, e.g. kernel_info, are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no reply to {msg_id}")
        msg = kc.get_shell_msg(timeout=left)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def backlog(kc):
    """iopub messages read while waiting for another request, kept for drain_iopub."""
    if not hasattr(kc, "_conclab_backlog"):
        kc._conclab_backlog = []
    return kc._conclab_backlog


def iopub_until_idle(kc, msg_id, timeout=TIMEOUT):
    """iopub messages of request msg_id, from busy up to (without) idle; others go to the backlog."""
    out = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no idle for {msg_id}; got {[m['msg_type'] for m in out]}")
        msg = kc.get_iopub_msg(timeout=left)
        if msg["parent_header"].get("msg_id") != msg_id:
            backlog(kc).append(msg)
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out
        out.append(msg)


def run(kc, code, timeout=TIMEOUT, **kw):
    """Executes code; returns (reply, iopub messages up to idle)."""
    msg_id = kc.execute(code, **kw)
    reply = shell_reply(kc, msg_id, timeout)
    return reply, iopub_until_idle(kc, msg_id, timeout)


def stdout(msgs, name="stdout"):
    return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def drain_iopub(kc, until, timeout=TIMEOUT):
    """Collects iopub messages (any parent) until until(collected) is true or the deadline passes."""
    got = list(backlog(kc))
    backlog(kc).clear()
    deadline = time.monotonic() + timeout
    while not until(got):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            got.append(kc.get_iopub_msg(timeout=min(left, 1.0)))
        except Empty:
            pass
    return got


def wait_for_text(kc, msg_id, marker):
    """Waits until request msg_id printed marker: the cell is at the point to test."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") == msg_id and marker in (m["content"].get("text") or ""):
            return


def free_port():
    """A port that was free a moment ago (bound to port 0, then closed), as jupyter_client chooses them."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
