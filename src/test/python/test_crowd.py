"""A crowded start: ports taken between Jupyter choosing them and the kernel binding them (issue 22).

Every single-user server of a class chooses its kernels' ports alone (jupyter_client binds port 0,
reads the number, closes it); two servers can choose the same port for two students' kernels, and a
JVM's start keeps the window open for seconds. The kernelspec's provisioner and the kernel agree on the
ports actually bound (a port handshake); without the provisioner a kernel whose port is taken ends at
once, naming the channel and the port.
"""
import json
import os
import socket
import subprocess
import sys
import time

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

sys.path.insert(0, os.path.dirname(__file__))
import crowd  # noqa: E402

from conftest import KERNEL, TIMEOUT, free_port, run  # noqa: E402

EXIT_PORT_TAKEN = 98


def held_port():
    """A listening socket on a free port, held by this test (as another student's kernel would hold it)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s, s.getsockname()[1]


def kernel_argv(connection_file):
    """The kernelspec's own command line, without its provisioner (as a Jupyter without it runs it)."""
    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    return [a.replace("{connection_file}", connection_file).replace("{resource_dir}", spec.resource_dir)
            for a in spec.argv]


def test_a_kernel_whose_port_is_taken_ends_at_once_naming_the_channel_and_port(tmp_path):
    holder, taken = held_port()
    try:
        info = {"transport": "tcp", "ip": "127.0.0.1", "shell_port": free_port(), "iopub_port": free_port(),
                "stdin_port": free_port(), "control_port": taken, "hb_port": free_port(),
                "signature_scheme": "hmac-sha256", "key": "k"}
        cf = tmp_path / "kernel.json"
        cf.write_text(json.dumps(info))
        t0 = time.monotonic()
        p = subprocess.run(kernel_argv(str(cf)), capture_output=True, text=True, timeout=TIMEOUT)
        wall = time.monotonic() - t0
    finally:
        holder.close()
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert p.returncode == EXIT_PORT_TAKEN, p.stderr
    assert len(lines) == 1, f"one line, not a stack trace: {p.stderr}"
    line = lines[0]
    assert "control channel" in line and f":{taken}" in line and "already in use" in line, line
    # the kernel measures its own time from main (the JVM's own start comes before, and is printed too):
    # binding is the first thing it does, so a taken port ends it long before JShell would start
    ms = int(line.split(" ms after main")[0].rsplit("; ", 1)[1])
    print(f"\n{line}\n(wall time {wall:.2f} s)")
    assert 0 <= ms < 1000, f"the kernel took {ms} ms after main to find the port taken"
    assert wall < 15, "the process ended, with nothing left running"


def test_with_the_handshake_a_taken_port_is_replaced_and_jupyter_told(tmp_path):
    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    assert spec.metadata.get("kernel_provisioner", {}).get("provisioner_name") == "conclab-ports", \
        "the installed kernelspec names the port-handshake provisioner"
    holder, taken = held_port()
    km = KernelManager(kernel_name=KERNEL, cache_ports=False)
    km.control_port = taken       # jupyter_client chose it; another process took it since
    try:
        km.start_kernel()
        assert km.control_port != taken, "jupyter_client learned the port the kernel really bound"
        with open(km.connection_file) as f:
            assert json.load(f)["control_port"] == km.control_port, "the connection file was rewritten"
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=TIMEOUT)
            reply, out = run(kc, "1 + 1")
            assert reply["content"]["status"] == "ok"
            # the control channel answers on its new port
            request = kc.session.msg("kernel_info_request")
            kc.control_channel.send(request)
            reply = kc.get_control_msg(timeout=TIMEOUT)
            assert reply["parent_header"]["msg_id"] == request["header"]["msg_id"]
            assert reply["content"]["status"] == "ok"
        finally:
            kc.stop_channels()
    finally:
        holder.close()
        km.shutdown_kernel(now=True)


@pytest.mark.skipif(os.environ.get("CONCLAB_CROWD", "30") == "0", reason="CONCLAB_CROWD=0")
def test_thirty_kernels_started_at_once_by_thirty_jupyter_clients_all_answer():
    n = int(os.environ.get("CONCLAB_CROWD", "30"))
    outcomes = crowd.run(n, KERNEL, ready_timeout=240)
    print("\n" + crowd.summary(outcomes))
    failed = [o for o in outcomes if not o["served"]]
    assert not failed, "\n".join(json.dumps(o) for o in failed)
    # every kernel is alive until all have answered: where two jupyter_clients chose one port, the
    # handshake moved the second kernel off it, and jupyter_client knows the port each one bound
    for port in crowd.shared_ports(outcomes):
        holders = [o for o in outcomes if port in o["ports_after"].values()]
        assert len(holders) == 1, f"port {port} is used by {len(holders)} kernels after the handshake"
