"""Comms and widgets through jupyter_client, message by message: comm_open/comm_msg/comm_close both ways,
binary buffers, comm_info, messages from the front end handled while a cell runs, and the widget
protocol 2.1.0 (state, update, echo_update, request_state, custom messages, display)."""
import json
import time
import uuid

from conftest import TIMEOUT, drain_iopub, run, shell_reply, stdout


def send(kc, msg_type, content, buffers=None):
    """Sends a shell message as a front end does (no reply expected for comm messages)."""
    msg = kc.session.msg(msg_type, content)
    kc.session.send(kc.shell_channel.socket, msg, buffers=buffers)
    return msg["header"]["msg_id"]


def comm_msgs(kc, comm_id, until, timeout=TIMEOUT):
    """iopub comm messages of comm_id, collected until until(list) holds."""
    got = []

    def done(msgs):
        got[:] = [m for m in msgs if m["msg_type"].startswith("comm_") and m["content"].get("comm_id") == comm_id]
        return until(got)

    drain_iopub(kc, done, timeout)
    return got


def comm_info(kc, target=None):
    msg = kc.session.msg("comm_info_request", {"target_name": target} if target else {})
    kc.shell_channel.send(msg)
    return shell_reply(kc, msg["header"]["msg_id"])["content"]


ECHO_TARGET = """
var echoed = new LinkedBlockingQueue<String>();
Hosts.current().registerCommTarget("test.echo", (comm, data, buffers) -> {
    echoed.add("open " + data);
    return new Comm.Handler() {
        public void message(Comm c, String d, List<byte[]> b) { echoed.add(d); c.send(d, b); }
        public void closed(Comm c, String d) { echoed.add("closed " + d); }
    };
});
"""


def test_a_front_end_opens_a_comm_sends_with_buffers_and_closes(kc):
    reply, _ = run(kc, ECHO_TARGET)
    assert reply["content"]["status"] == "ok", reply["content"]
    cid = uuid.uuid4().hex
    send(kc, "comm_open", {"comm_id": cid, "target_name": "test.echo", "data": {"hello": 1}})
    assert comm_info(kc, "test.echo")["comms"] == {cid: {"target_name": "test.echo"}}
    send(kc, "comm_msg", {"comm_id": cid, "data": {"n": 42}}, buffers=[b"\x00\x01\x02", b"xyz"])
    echo = comm_msgs(kc, cid, lambda g: len(g) >= 1)
    assert echo[0]["msg_type"] == "comm_msg"
    assert echo[0]["content"]["data"] == {"n": 42}
    assert [bytes(b) for b in echo[0]["buffers"]] == [b"\x00\x01\x02", b"xyz"]
    send(kc, "comm_close", {"comm_id": cid, "data": {"bye": True}})
    _, msgs = run(kc, 'String.join("|", echoed)')
    result = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]
    assert result == '"open {"hello":1}|{"n":42}|closed {"bye":true}"', result
    assert cid not in comm_info(kc)["comms"]


def test_a_comm_to_an_unknown_target_is_closed_at_once(kc):
    cid = uuid.uuid4().hex
    send(kc, "comm_open", {"comm_id": cid, "target_name": "no.such.target", "data": {}})
    closed = comm_msgs(kc, cid, lambda g: any(m["msg_type"] == "comm_close" for m in g))
    assert [m["msg_type"] for m in closed] == ["comm_close"]
    assert cid not in comm_info(kc)["comms"]


def test_the_kernel_opens_sends_with_buffers_and_closes_a_comm(kc):
    code = """
var fromKernel = new LinkedBlockingQueue<String>();
var kc1 = Hosts.current().openComm("test.kernel", "{\\"a\\": [1, 2]}", "{\\"version\\": \\"x\\"}",
        List.of(new byte[] {7, 8}), new Comm.Handler() {
            public void message(Comm c, String d, List<byte[]> b) { fromKernel.add(d + " " + b.size()); }
            public void closed(Comm c, String d) { fromKernel.add("closed"); }
        });
kc1.send("{\\"step\\": 1}", List.of("buf".getBytes()));
kc1.id()
"""
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    cid = json.loads([m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"])
    opened = [m for m in msgs if m["msg_type"] == "comm_open"]
    assert len(opened) == 1 and opened[0]["content"]["comm_id"] == cid
    assert opened[0]["content"]["target_name"] == "test.kernel"
    assert opened[0]["content"]["data"] == {"a": [1, 2]}
    assert opened[0]["metadata"] == {"version": "x"}
    assert [bytes(b) for b in opened[0]["buffers"]] == [b"\x07\x08"]
    sent = [m for m in msgs if m["msg_type"] == "comm_msg"]
    assert sent[0]["content"]["data"] == {"step": 1} and [bytes(b) for b in sent[0]["buffers"]] == [b"buf"]
    # comm_info, with and without its target filter
    assert comm_info(kc)["comms"][cid] == {"target_name": "test.kernel"}
    assert cid not in comm_info(kc, "jupyter.widget")["comms"]
    # the front end answers on it, then the kernel closes it
    send(kc, "comm_msg", {"comm_id": cid, "data": {"x": 1}}, buffers=[b"1", b"2"])
    reply, msgs = run(kc, 'fromKernel.poll(30, TimeUnit.SECONDS)')
    assert [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == '"{"x":1} 2"'
    _, msgs = run(kc, 'kc1.close("{\\"done\\": true}"); kc1.isOpen()')
    closes = [m for m in msgs if m["msg_type"] == "comm_close"]
    assert closes and closes[0]["content"] == {"comm_id": cid, "data": {"done": True}}
    assert cid not in comm_info(kc)["comms"]


def test_a_comm_message_is_handled_while_a_cell_runs(kc):
    """A Stop click must reach its handler at once, not after the cell (ipykernel queues it)."""
    run(kc, """
var clicked = new CountDownLatch(1);
Hosts.current().registerCommTarget("test.stop", (comm, data, buffers) -> (c, d, b) -> clicked.countDown());
""")
    cid = uuid.uuid4().hex
    send(kc, "comm_open", {"comm_id": cid, "target_name": "test.stop", "data": {}})
    # the cell waits for the click; it can only end early if the click is handled while it runs
    cell = kc.execute('System.out.println("waiting"); boolean got = clicked.await(60, TimeUnit.SECONDS); '
                      'System.out.println("clicked " + got);')
    deadline = time.monotonic() + TIMEOUT
    while True:   # the cell is running once it printed
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") == cell and "waiting" in (m["content"].get("text") or ""):
            break
    t0 = time.monotonic()
    send(kc, "comm_msg", {"comm_id": cid, "data": {"event": "click"}})
    reply = shell_reply(kc, cell)
    elapsed = time.monotonic() - t0
    assert reply["content"]["status"] == "ok"
    out = drain_iopub(kc, lambda g: "clicked" in stdout([m for m in g if m["parent_header"].get("msg_id") == cell]))
    assert "clicked true" in stdout([m for m in out if m["parent_header"].get("msg_id") == cell])
    assert elapsed < 30, elapsed


def test_shell_replies_keep_their_order_around_comm_messages(kc):
    """Requests queued behind a running cell are answered in order, comm messages in between."""
    run(kc, ECHO_TARGET)
    cid = uuid.uuid4().hex
    send(kc, "comm_open", {"comm_id": cid, "target_name": "test.echo", "data": {}})
    ids = [kc.execute("Thread.sleep(300); 1")]
    for i in range(5):
        send(kc, "comm_msg", {"comm_id": cid, "data": {"i": i}})
        ids.append(kc.kernel_info())
        ids.append(kc.execute(f"{i} + 100"))
    order = []
    deadline = time.monotonic() + TIMEOUT
    while len(order) < len(ids):
        m = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") in ids:
            order.append(m["parent_header"]["msg_id"])
    assert order == ids
    echoes = comm_msgs(kc, cid, lambda g: len(g) >= 5)
    assert [m["content"]["data"]["i"] for m in echoes] == [0, 1, 2, 3, 4]


def test_messages_from_8_threads_arrive_complete_and_in_order_per_comm(kc):
    code = """
var comms8 = new ArrayList<Comm>();
for (int t = 0; t < 8; t++) comms8.add(Hosts.current().openComm("test.threads", "{}", null, List.of(), null));
var threads8 = new ArrayList<Thread>();
for (int t = 0; t < 8; t++) {
    Comm c = comms8.get(t);
    threads8.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 300; i++) c.send("{\\"i\\": " + i + ", \\"pad\\": \\"" + "x".repeat(100) + "\\"}", List.of(new byte[] {(byte) i}));
    }));
}
for (Thread t : threads8) t.join();
String.join(",", comms8.stream().map(Comm::id).toList())
"""
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    ids = json.loads([m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]).split(",")
    for cid in ids:
        got = [m for m in msgs if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == cid]
        assert [m["content"]["data"]["i"] for m in got] == list(range(300))
        assert all(m["content"]["data"]["pad"] == "x" * 100 for m in got)
        assert [bytes(m["buffers"][0])[0] for m in got] == [i % 256 for i in range(300)]


# ---------------------------------------------------------------- the widget protocol 2.1.0

def result_of(msgs):
    return [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]


def opens(msgs):
    return {m["content"]["comm_id"]: m for m in msgs if m["msg_type"] == "comm_open"}


def value_of(kc, expr):
    reply, msgs = run(kc, expr)
    assert reply["content"]["status"] == "ok", reply["content"]
    return result_of(msgs)["data"]["text/plain"]


def test_a_slider_opens_its_model_and_shows_as_a_widget_view_with_a_text_fallback(kc):
    reply, msgs = run(kc, 'var s1 = intSlider("Threads", 1, 8, 2); s1')
    assert reply["content"]["status"] == "ok", reply["content"]
    data = result_of(msgs)["data"]
    view = data["application/vnd.jupyter.widget-view+json"]
    assert view["version_major"] == 2 and view["model_id"]
    assert data["text/plain"] == "Threads: 2 (1–8)"
    models = opens(msgs)
    slider = models[view["model_id"]]
    assert slider["content"]["target_name"] == "jupyter.widget"
    assert slider["metadata"] == {"version": "2.1.0"}
    state = slider["content"]["data"]["state"]
    assert state["_model_name"] == "IntSliderModel" and state["_view_name"] == "IntSliderView"
    assert state["_model_module"] == "@jupyter-widgets/controls" and state["_model_module_version"] == "2.0.0"
    assert (state["value"], state["min"], state["max"], state["description"]) == (2, 1, 8, "Threads")
    # its layout and style were opened before it, with the base module's versions
    layout = models[state["layout"].removeprefix("IPY_MODEL_")]["content"]["data"]["state"]
    style = models[state["style"].removeprefix("IPY_MODEL_")]["content"]["data"]["state"]
    assert (layout["_model_name"], layout["_model_module"], layout["_model_module_version"]) == \
        ("LayoutModel", "@jupyter-widgets/base", "2.0.0")
    assert style["_model_name"] == "SliderStyleModel" and style["_view_module"] == "@jupyter-widgets/base"
    order = [m["content"]["comm_id"] for m in msgs if m["msg_type"] == "comm_open"]
    assert order.index(view["model_id"]) > order.index(state["layout"].removeprefix("IPY_MODEL_"))
    assert view["model_id"] in comm_info(kc, "jupyter.widget")["comms"]


def test_updates_both_ways_with_echo_update_and_request_state(kc):
    reply, msgs = run(kc, 'var s2 = intSlider("N", 0, 100, 10); var seen2 = new LinkedBlockingQueue<Integer>(); '
                          's2.onChange(seen2::add); s2.id()')
    sid = json.loads(result_of(msgs)["data"]["text/plain"])
    # kernel -> front end
    _, msgs = run(kc, "s2.value(42);")
    updates = [m["content"]["data"] for m in msgs if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == sid]
    assert updates == [{"method": "update", "state": {"value": 42}, "buffer_paths": []}]
    # front end -> kernel: applied, echoed, heard by the listener
    send(kc, "comm_msg", {"comm_id": sid, "data": {"method": "update", "state": {"value": 77}, "buffer_paths": []}})
    echo = comm_msgs(kc, sid, lambda g: any(m["content"]["data"].get("method") == "echo_update" for m in g))
    assert [m["content"]["data"] for m in echo if m["content"]["data"]["method"] == "echo_update"] == \
        [{"method": "echo_update", "state": {"value": 77}, "buffer_paths": []}]
    # the listener heard both changes, the kernel's and the front end's
    assert value_of(kc, "seen2.poll(30, TimeUnit.SECONDS) + \" \" + seen2.poll(30, TimeUnit.SECONDS) + \" \" + s2.value()") \
        == '"42 77 77"'
    # request_state: the whole state
    send(kc, "comm_msg", {"comm_id": sid, "data": {"method": "request_state"}})
    full = comm_msgs(kc, sid, lambda g: any(m["content"]["data"].get("method") == "update" for m in g))
    state = [m["content"]["data"]["state"] for m in full if m["content"]["data"]["method"] == "update"][-1]
    assert state["value"] == 77 and state["_model_name"] == "IntSliderModel" and state["max"] == 100


def test_a_widget_manager_gets_every_state_in_one_message(kc):
    run(kc, 'var s3 = floatSlider("Rate", 0, 1, 0.5);')
    sid = json.loads(value_of(kc, "s3.id()"))
    cid = uuid.uuid4().hex
    send(kc, "comm_open", {"comm_id": cid, "target_name": "jupyter.widget.control", "data": {}})
    send(kc, "comm_msg", {"comm_id": cid, "data": {"method": "request_states"}})
    got = comm_msgs(kc, cid, lambda g: len(g) >= 1)
    data = got[0]["content"]["data"]
    assert data["method"] == "update_states"
    s3 = data["states"][sid]
    assert s3["model_name"] == "FloatSliderModel" and s3["state"]["value"] == 0.5


def test_a_click_reaches_its_handler_while_a_cell_runs(kc):
    """The Stop button: the experiment's loop ends because the click arrived while it ran."""
    run(kc, 'var stop = button("Stop"); var stopped = new java.util.concurrent.atomic.AtomicBoolean(); '
            'stop.onClick(() -> stopped.set(true));')
    bid = json.loads(value_of(kc, "stop.id()"))
    cell = kc.execute('System.out.println("running"); long t0 = System.nanoTime(); '
                      'while (!stopped.get() && System.nanoTime() - t0 < 60_000_000_000L) Thread.sleep(5); '
                      'System.out.println("stopped " + stopped.get());')
    deadline = time.monotonic() + TIMEOUT
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") == cell and "running" in (m["content"].get("text") or ""):
            break
    send(kc, "comm_msg", {"comm_id": bid, "data": {"method": "custom", "content": {"event": "click"}}})
    assert shell_reply(kc, cell)["content"]["status"] == "ok"
    out = drain_iopub(kc, lambda g: "stopped" in stdout([m for m in g if m["parent_header"].get("msg_id") == cell]))
    assert "stopped true" in stdout([m for m in out if m["parent_header"].get("msg_id") == cell])
    assert value_of(kc, "stop.clicks()") == "1"


def test_updates_from_8_threads_arrive_complete_and_in_order_per_widget(kc):
    code = """
var bars = new ArrayList<conclab.widgets.Progress.Int>();
for (int t = 0; t < 8; t++) bars.add(progress("worker " + t, 5000));
var ws = new ArrayList<Thread>();
for (var b : bars) ws.add(Thread.ofPlatform().start(() -> { for (int i = 1; i <= 5000; i++) b.value(i); }));
for (Thread t : ws) t.join();
String.join(",", bars.stream().map(b -> b.id()).toList())
"""
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    ids = json.loads(result_of(msgs)["data"]["text/plain"]).split(",")
    for cid in ids:
        # merged updates may still come after idle (at most one interval later)
        before = [m for m in msgs if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == cid]
        got = before + comm_msgs(kc, cid, lambda g: any(
            m["content"]["data"].get("state", {}).get("value") == 5000 for m in before + g))
        values = [m["content"]["data"]["state"]["value"] for m in got
                  if m["content"]["data"].get("method") == "update" and "value" in m["content"]["data"]["state"]]
        assert values and values == sorted(values) and values[-1] == 5000, values[-20:]
        assert len(values) < 5000   # merged: a flood of changes is batched, as printed output is


def test_interact_reruns_when_its_control_changes(kc):
    run(kc, 'var n4 = intSlider("n", 1, 10, 3); var i4 = interact(n4, n -> "squares " + (n * n));')
    oid = json.loads(value_of(kc, "i4.output().id()"))
    sid = json.loads(value_of(kc, "n4.id()"))
    assert value_of(kc, "i4.output().text()") == '"squares 9\n"'
    send(kc, "comm_msg", {"comm_id": sid, "data": {"method": "update", "state": {"value": 7}, "buffer_paths": []}})

    def shows_49(g):
        return any("squares 49" in json.dumps(m["content"]["data"]) for m in g)

    got = comm_msgs(kc, oid, shows_49)
    assert shows_49(got)
    outputs = [m["content"]["data"]["state"]["outputs"] for m in got if "outputs" in m["content"]["data"].get("state", {})]
    assert outputs[-1] == [{"output_type": "display_data", "data": {"text/plain": "squares 49"}, "metadata": {}}]


def test_display_and_close(kc):
    reply, msgs = run(kc, 'var b5 = button("Go"); display(hbox(b5, label("ready")));')
    shown = [m for m in msgs if m["msg_type"] == "display_data"]
    assert shown and "application/vnd.jupyter.widget-view+json" in shown[0]["content"]["data"]
    assert shown[0]["content"]["data"]["text/plain"] == "[ Go ]  |  ready"
    bid = json.loads(value_of(kc, "b5.id()"))
    _, msgs = run(kc, "b5.close();")
    assert [m["content"]["comm_id"] for m in msgs if m["msg_type"] == "comm_close"] == [bid]
    assert bid not in comm_info(kc)["comms"]


def test_a_value_a_widget_cannot_hold_is_refused_and_the_views_go_back(kc):
    run(kc, 'var s6 = intSlider("n", 0, 10, 3);')
    sid = json.loads(value_of(kc, "s6.id()"))
    for bad in ["x", 99, None]:
        send(kc, "comm_msg", {"comm_id": sid, "data": {"method": "update", "state": {"value": bad}, "buffer_paths": []}})
        back = comm_msgs(kc, sid, lambda g: any(m["content"]["data"].get("method") == "update" for m in g))
        assert [m["content"]["data"]["state"] for m in back if m["content"]["data"]["method"] == "update"][-1] == {"value": 3}
    # 4.6 on a slider of whole numbers is kept as 4, and the views are told
    send(kc, "comm_msg", {"comm_id": sid, "data": {"method": "update", "state": {"value": 4.6}, "buffer_paths": []}})
    back = comm_msgs(kc, sid, lambda g: any(m["content"]["data"].get("method") == "update" for m in g))
    assert [m["content"]["data"]["state"] for m in back if m["content"]["data"]["method"] == "update"][-1] == {"value": 4}
    assert value_of(kc, "s6.value()") == "4"


def test_a_binary_value_from_the_front_end_lands_in_the_state(kc):
    run(kc, 'var o7 = output();')
    oid = json.loads(value_of(kc, "o7.id()"))
    send(kc, "comm_msg", {"comm_id": oid, "data": {"method": "update", "state": {}, "buffer_paths": [["blob"]]}},
         buffers=[b"\x01\x02\x03"])
    echo = comm_msgs(kc, oid, lambda g: any(m["content"]["data"].get("method") == "echo_update" for m in g))
    e = [m for m in echo if m["content"]["data"]["method"] == "echo_update"][-1]
    assert e["content"]["data"]["buffer_paths"] == [["blob"]] and [bytes(b) for b in e["buffers"]] == [b"\x01\x02\x03"]
    # kept in the model's state: the whole state carries it back as a buffer
    send(kc, "comm_msg", {"comm_id": oid, "data": {"method": "request_state"}})
    full = comm_msgs(kc, oid, lambda g: any(m["content"]["data"].get("method") == "update" for m in g))
    u = [m for m in full if m["content"]["data"]["method"] == "update"][-1]
    assert u["content"]["data"]["buffer_paths"] == [["blob"]] and [bytes(b) for b in u["buffers"]] == [b"\x01\x02\x03"]
    assert u["content"]["data"]["state"]["blob"] is None and u["content"]["data"]["state"]["_model_name"] == "OutputModel"


def test_an_output_widget_captures_what_the_cell_and_its_threads_print_then_lets_go(kc):
    """Python's `with out:`: out.capture(...) takes System.out and System.err of the cell's thread and of
    the threads it starts while it runs; after it returns, what they print goes under the cell again."""
    code = (
        'var o9 = output(); display(o9);\n'
        'var printed9 = new java.util.concurrent.CountDownLatch(1);\n'
        'var late9 = new java.util.concurrent.CountDownLatch(1);\n'
        'Thread t9;\n'
        'o9.capture(() -> {\n'
        '    System.out.println("inside");\n'
        '    t9 = Thread.ofPlatform().start(() -> {\n'
        '        System.out.println("from its thread");\n'
        '        printed9.countDown();\n'
        '        try { late9.await(); } catch (InterruptedException e) { }\n'
        '        System.out.println("after the capture");\n'
        '    });\n'
        '    try { printed9.await(); } catch (InterruptedException e) { }\n'
        '    System.err.println("an error line");\n'
        '});\n'
        'late9.countDown(); t9.join();\n'
        'System.out.println("under the cell");\n'
    )
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    under_cell = stdout(msgs)
    assert "under the cell" in under_cell and "after the capture" in under_cell, under_cell
    assert "inside" not in under_cell and "from its thread" not in under_cell, under_cell
    text = json.loads(value_of(kc, 'o9.text().replace("\\n", "|")'))
    assert "inside|" in text and "from its thread|" in text and "an error line|" in text, text
    assert "after the capture" not in text and "under the cell" not in text, text
