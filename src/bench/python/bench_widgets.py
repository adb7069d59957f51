#!/usr/bin/python3
"""./lab bench widgets: what a widget costs through jupyter_client, measured in one run.

Prints medians of: the kernel's own round trip (kernel_info) as the baseline; a slider change sent by
the client (a comm_msg `update`) to its `echo_update`; a slider change to the redrawn chart of a small
experiment (8 tasks of 2 ms on n platform threads, its timeline as PNG) in an `interact` output; and a
click handled while a cell runs (comm_msg to the handler's effect). The browser adds its own drawing on
top of the second figure. No ipywidgets baseline: Debian's python3-ipywidgets (6.0) is too old for
today's front ends.
"""
import json
import statistics
import sys
import time
import uuid

from jupyter_client.manager import KernelManager

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def reply(kc, msg_id):
    while True:
        m = kc.get_shell_msg(timeout=60)
        if m["parent_header"].get("msg_id") == msg_id:
            return m


def run(kc, code):
    msg_id = kc.execute(code)
    r = reply(kc, msg_id)
    msgs = []
    while True:
        m = kc.get_iopub_msg(timeout=60)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return r, msgs
        msgs.append(m)


def result(msgs):
    return json.loads([m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"])


def send(kc, comm_id, data):
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))


def wait_comm(kc, comm_id, pred):
    while True:
        m = kc.get_iopub_msg(timeout=60)
        if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id and pred(m["content"]["data"]):
            return


def ms(xs):
    return f"{statistics.median(xs) * 1000:7.1f} ms (p90 {sorted(xs)[int(len(xs) * 0.9) - 1] * 1000:.1f})"


def main():
    km = KernelManager(kernel_name="conclab")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    run(kc, "1")
    try:
        rt = []
        for _ in range(N * 3):
            t0 = time.perf_counter()
            reply(kc, kc.kernel_info())
            rt.append(time.perf_counter() - t0)
        _, msgs = run(kc, 'var s = intSlider("n", 1, 1000, 1); s.id()')
        sid = result(msgs)
        echo = []
        for i in range(N * 3):
            t0 = time.perf_counter()
            send(kc, sid, {"method": "update", "state": {"value": i + 2}, "buffer_paths": []})
            wait_comm(kc, sid, lambda d: d.get("method") == "echo_update")
            echo.append(time.perf_counter() - t0)
        _, msgs = run(kc, 'var threads = intSlider("Threads", 1, 8, 1); '
                          'var view = interact(threads, n -> Experiment.of(Work.cpu(Duration.ofMillis(2))).tasks(8)'
                          '.on(Strategy.platform(n)).run().timeline()); view.output().id() + " " + threads.id()')
        oid, tid = result(msgs).split()
        chart = []
        for i in range(N):
            value = 1 if i % 2 else 2 + (i // 2) % 7   # 2, 1, 3, 1, 4, ...: always a change
            t0 = time.perf_counter()
            send(kc, tid, {"method": "update", "state": {"value": value}, "buffer_paths": []})
            wait_comm(kc, oid, lambda d: "image/png" in json.dumps(d.get("state", {}).get("outputs", "")))
            chart.append(time.perf_counter() - t0)
        _, msgs = run(kc, 'var stop = button("Stop"); var hits = new java.util.concurrent.atomic.AtomicLong(); '
                          'stop.onClick(() -> hits.incrementAndGet()); stop.id()')
        bid = result(msgs)
        click = []
        for i in range(N):
            cell = kc.execute(f'System.out.println("running"); while (hits.get() <= {i}) Thread.onSpinWait();')
            while True:   # the cell runs once it printed
                m = kc.get_iopub_msg(timeout=60)
                if m["parent_header"].get("msg_id") == cell and m["msg_type"] == "stream":
                    break
            t0 = time.perf_counter()
            send(kc, bid, {"method": "custom", "content": {"event": "click"}})
            reply(kc, cell)
            click.append(time.perf_counter() - t0)
        print(f"kernel_info round trip (baseline)          {ms(rt)}")
        print(f"slider update -> echo_update               {ms(echo)}")
        print(f"slider update -> redrawn chart (interact)  {ms(chart)}   [includes the {80} ms debounce]")
        print(f"click during a running cell -> cell ends   {ms(click)}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
