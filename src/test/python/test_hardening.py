"""A hardened transport: thousands of mutated messages, then the kernel still works; no orphans."""
import json
import os
import random
import signal
import subprocess
import sys
import time

import zmq
from jupyter_client.session import Session

from conftest import KERNEL, TIMEOUT, run, shell_reply


def rss_kb(km):
    with open(f"/proc/{km.provisioner.process.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])


def mutations(session, rng, n):
    """Yields lists of frames: valid-looking messages broken in every way the kernel must survive."""
    wrong = Session(key=b"wrong-key")
    types = ["kernel_info_request", "complete_request", "inspect_request", "is_complete_request",
             "history_request", "comm_info_request", "no_such_request", "execute_request", "shutdown_reply"]
    bad_contents = [{}, {"code": 5}, {"code": {"x": 1}}, {"cursor_pos": "x", "code": "Math.ab"},
                    {"code": "Math.ab", "cursor_pos": -7}, {"code": "é😀", "cursor_pos": 99},
                    {"hist_access_type": "range", "session": "x"}, {"hist_access_type": "search", "pattern": None},
                    {"code": None}, {"detail_level": 9, "code": "String", "cursor_pos": 2}]
    replay = None
    for i in range(n):
        kind = i % 8
        msg_type = rng.choice(types)
        content = rng.choice(bad_contents)
        if msg_type == "execute_request":
            content = {"code": "", "silent": True}   # a valid, empty cell: cheap, still signed
        frames = session.serialize(session.msg(msg_type, content))
        if kind == 0:      # bit flips anywhere
            j = rng.randrange(len(frames))
            f = bytearray(frames[j] or b"x")
            f[rng.randrange(len(f))] ^= 1 << rng.randrange(8)
            frames[j] = bytes(f)
        elif kind == 1:    # truncated frame list
            frames = frames[:rng.randrange(len(frames))] or [b"x"]
        elif kind == 2:    # signed with another key
            frames = wrong.serialize(wrong.msg(msg_type, content))
        elif kind == 3:    # header without msg_type, re-signed with the right key
            h = json.loads(frames[2])
            h.pop("msg_type", None)
            frames[2] = json.dumps(h).encode()
            frames[1] = session.sign(frames[2:6])
        elif kind == 4:    # not JSON at all, signed
            frames[5] = b"{not json"
            frames[1] = session.sign(frames[2:6])
        elif kind == 5:    # a replay of an earlier valid message
            if replay is None:
                replay = frames
            frames = replay
        elif kind == 6:    # a large frame (4 MB of junk)
            frames[5] = b"x" * (4 << 20)
        # kind 7: valid and signed, with strange content: handled or answered with an error reply
        yield [b"fuzz"] + frames if frames and frames[0] == b"<IDS|MSG>" else frames


def send_all(km, frames_iter):
    """Sends every message round-robin on shell, control and stdin; returns how many were sent."""
    ctx = zmq.Context.instance()
    info = km.get_connection_info()
    sockets = []
    for port in (info["shell_port"], info["control_port"], info["stdin_port"]):
        s = ctx.socket(zmq.DEALER)
        s.linger = 0
        s.sndhwm = 0
        s.connect(f"tcp://{info['ip']}:{port}")
        sockets.append(s)
    sent = 0
    for frames in frames_iter:
        sockets[sent % 3].send_multipart([f for f in frames if f is not None])
        sent += 1
        if sent % 500 == 0:   # let the kernel keep up, and drain its answers
            for s in sockets:
                while s.poll(0):
                    s.recv_multipart()
            assert km.is_alive()
    for s in sockets:
        s.close()
    return sent


def responsive(kc):
    deadline = time.monotonic() + TIMEOUT * 2
    while time.monotonic() < deadline:
        try:
            return shell_reply(kc, kc.kernel_info(), timeout=5)
        except Exception:
            continue
    raise AssertionError("the kernel stopped answering kernel_info")


def test_ten_thousand_mutated_messages_then_the_kernel_still_works(kernel):
    km, kc = kernel
    heap = "System.gc(); (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024"
    rng = random.Random(20261125)
    # a first thousand warms the caches that fill once (javac's symbols, the JDK's src.zip index)
    send_all(km, mutations(kc.session, rng, 1_000))
    responsive(kc)
    before = int(run(kc, heap, timeout=TIMEOUT * 2)[1][-1]["content"]["data"]["text/plain"])
    sent = send_all(km, mutations(kc.session, rng, 10_000))
    assert sent == 10_000
    # the kernel still answers, runs a cell, and its memory did not grow with the messages
    assert responsive(kc)["content"]["status"] == "ok"
    reply, msgs = run(kc, '"survived"', timeout=TIMEOUT * 2)
    assert msgs[-1]["content"]["data"]["text/plain"] == '"survived"'
    after = int(run(kc, heap)[1][-1]["content"]["data"]["text/plain"])
    print(f"heap used after GC: {before} kB before, {after} kB after 10,000 messages; RSS {rss_kb(km)} kB")
    # bounded: 1,250 frames of 4 MB went through; what stays is a few caches, not the messages
    assert after - before < 64_000, f"heap used after GC grew from {before} kB to {after} kB"


def running(pid):
    """Whether pid is a live process (an exited one left as a zombie, unreaped by an init, is not)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except FileNotFoundError:
        return False


def test_the_kernel_exits_when_the_process_that_started_it_dies(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        "from jupyter_client.manager import KernelManager\n"
        f"km = KernelManager(kernel_name={KERNEL!r})\n"
        "km.start_kernel()\n"
        "print(km.provisioner.process.pid, flush=True)\n"
        "time.sleep(600)\n")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=os.environ)
    try:
        kernel_pid = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if not running(kernel_pid):
                break
            time.sleep(0.2)
        else:
            os.kill(kernel_pid, signal.SIGKILL)
            raise AssertionError("the kernel outlived the process that started it")
    finally:
        if parent.poll() is None:
            parent.kill()
