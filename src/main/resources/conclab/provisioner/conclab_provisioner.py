"""Concurrency Lab's kernel provisioner: jupyter_client's local provisioner plus a port handshake.

jupyter_client 7 chooses a kernel's five ports itself: it binds port 0, reads the number the system
gave, closes the socket and writes the number into the connection file; the kernel binds it later.
Every single-user server of a JupyterHub does this alone, so two servers may choose the same free port
for two students' kernels, and a JVM that needs seconds to start leaves a wide window for it. The
kernel that binds second cannot start, and jupyter_client 7.4's restarts reuse the same cached ports,
so it fails the same way every time.

With this provisioner the kernel binds what it can of the chosen ports, replaces a port another
process took with a free one, and writes the ports it really bound to a file; `launch_kernel` waits for
that file and returns those ports, which jupyter_client writes back into the connection file before
anything connects (`KernelManager._reconcile_connection_info`). Installed by the kernel's installer
beside the kernelspec, and named in kernel.json's `metadata.kernel_provisioner`.
"""
import asyncio
import json
import os
import time

from jupyter_client.provisioning import LocalProvisioner

#: how long to wait for the kernel to bind its sockets before giving up on the handshake (a JVM on a
#: crowded machine takes seconds; past this the chosen ports stand and the kernel fails or not on them)
HANDSHAKE_TIMEOUT_S = float(os.environ.get("CONCLAB_HANDSHAKE_TIMEOUT", "120"))
PORT_NAMES = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


class PortHandshakeProvisioner(LocalProvisioner):
    """Starts the kernel like the local provisioner, then learns from it which ports it bound."""

    ports_file = None

    async def pre_launch(self, **kwargs):
        kwargs = await super().pre_launch(**kwargs)
        connection_file = self.parent.connection_file
        self.ports_file = connection_file + ".ports"
        try:
            os.remove(self.ports_file)
        except FileNotFoundError:
            pass
        kwargs["cmd"] = list(kwargs["cmd"]) + ["--ports-file", self.ports_file]
        return kwargs

    async def launch_kernel(self, cmd, **kwargs):
        info = await super().launch_kernel(cmd, **kwargs)
        bound = await self._wait_for_ports()
        if bound:
            info = dict(info)
            info.update(bound)
            self.connection_info = info
        return info

    async def _wait_for_ports(self):
        deadline = time.monotonic() + HANDSHAKE_TIMEOUT_S
        delay = 0.02
        while time.monotonic() < deadline:
            try:
                with open(self.ports_file, encoding="utf-8") as f:
                    report = json.load(f)
                return {name: int(report[name]) for name in PORT_NAMES}
            except FileNotFoundError:
                pass
            except (ValueError, KeyError) as e:   # never expected: the kernel writes the file atomically
                self.log.warning("Concurrency Lab: unreadable port handshake %s: %s", self.ports_file, e)
                return None
            if self.process is not None and self.process.poll() is not None:
                return None   # the kernel ended before binding: its log says why; the restarter takes over
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.2)
        self.log.warning("Concurrency Lab: the kernel did not report its ports within %.0f s; using the chosen ones",
                         HANDSHAKE_TIMEOUT_S)
        return None

    async def cleanup(self, restart=False):
        await super().cleanup(restart=restart)
        if self.ports_file:
            for path in (self.ports_file, self.ports_file + ".tmp"):
                try:
                    os.remove(path)
                except FileNotFoundError:
                    pass
