"""The kernel's protocol behaviour, message by message, through jupyter_client."""
import time

import zmq
from jupyter_client.session import Session

from conftest import TIMEOUT, run, shell_reply, stdout


def test_every_reply_carries_status(kc):
    requests = {
        "kernel_info_reply": kc.kernel_info(),
        "complete_reply": kc.complete("Math.ab", 7),
        "inspect_reply": kc.inspect("String", 6),
        "history_reply": kc.history(hist_access_type="tail", n=3),
        "comm_info_reply": kc.comm_info(),
    }
    for reply_type, msg_id in requests.items():
        reply = shell_reply(kc, msg_id)
        assert reply["msg_type"] == reply_type
        assert reply["content"]["status"] == "ok", reply
    is_complete = shell_reply(kc, kc.is_complete("int x = 1;"))
    assert is_complete["content"]["status"] == "complete"


def test_kernel_info_describes_java(kc):
    c = shell_reply(kc, kc.kernel_info())["content"]
    assert c["protocol_version"] == "5.4"
    assert c["implementation"] == "conclab"
    li = c["language_info"]
    assert (li["name"], li["mimetype"], li["file_extension"], li["codemirror_mode"]) == \
        ("java", "text/x-java", ".jshell", "java")
    assert li["version"].startswith("25")
    assert any("docs.oracle.com" in link["url"] for link in c["help_links"])


def test_a_message_with_a_bad_signature_is_dropped_and_the_kernel_goes_on(kernel):
    km, kc = kernel
    bad = Session(key=b"not-the-key")
    sock = km.connect_shell()
    try:
        bad.send(sock, "execute_request", {"code": 'System.out.println("forged")', "silent": False})
        sock.send_multipart([b"garbage", b"<IDS|MSG>", b"sig", b"{", b"}", b"{}", b"{}"])
        sock.send_multipart([b"no delimiter at all"])
        reply, msgs = run(kc, '"still here"')
        assert reply["content"]["status"] == "ok"
        assert msgs[-1]["content"]["data"]["text/plain"] == '"still here"'
        # the forged cell never ran: its output appears nowhere
        assert sock.poll(500) == 0
    finally:
        sock.close(linger=0)


def test_a_replayed_message_is_dropped(kernel):
    km, kc = kernel
    sock = km.connect_shell()
    try:
        session = kc.session
        msg = session.msg("kernel_info_request", {})
        frames = session.serialize(msg)
        sock.send_multipart(frames)
        assert sock.poll(TIMEOUT * 1000), "no answer to the first send"
        sock.recv_multipart()
        sock.send_multipart(frames)  # the very same signed frames again
        assert sock.poll(1500) == 0, "a replayed message was answered"
    finally:
        sock.close(linger=0)


def test_an_error_is_one_error_message_with_line_column_and_caret(kc):
    reply, msgs = run(kc, "int ok = 1;\nint bad = ok + missing;")
    assert reply["content"]["status"] == "error"
    errors = [m for m in msgs if m["msg_type"] == "error"]
    assert len(errors) == 1 and len([m for m in msgs if m["msg_type"] == "error"]) == 1
    tb = "\n".join(errors[0]["content"]["traceback"])
    assert "line 2, column 16" in tb
    assert "int bad = ok + missing;" in tb and "^" in tb
    assert errors[0]["content"]["ename"] == "CompileError"
    assert reply["content"]["ename"] == "CompileError"


def test_runtime_error_shows_the_users_frames_first(kc):
    reply, msgs = run(kc, 'int depth(int n) {\n  if (n == 0) throw new IllegalStateException("bottom");\n'
                          '  return depth(n - 1);\n}\ndepth(2)')
    err = [m for m in msgs if m["msg_type"] == "error"]
    assert len(err) == 1
    tb = [line for line in err[0]["content"]["traceback"]]
    assert "IllegalStateException" in tb[0] and "bottom" in tb[0]
    assert "line 2 in depth()" in tb[1]
    assert "line 5" in tb[-1] and "depth(2)" in tb[-1]  # the call, on the cell's fifth line
    assert not any("conclab.kernel" in line or "jdk.internal.reflect" in line for line in tb)


def test_a_cell_mixes_declarations_and_statements_and_returns_the_last_value(kc):
    code = """
sealed interface Shape permits Circle, Square {}
record Circle(double r) implements Shape {}
record Square(double side) implements Shape {}
enum Unit { CM, M }
<T extends Comparable<T>> T max(T a, T b) { return a.compareTo(b) >= 0 ? a : b; }
double area(Shape s) { return switch (s) { case Circle c -> Math.PI * c.r() * c.r(); case Square q -> q.side() * q.side(); }; }
var shapes = List.of(new Circle(1), new Square(2));
System.out.println(max("pear", "apple") + " " + Unit.M);
shapes.stream().mapToDouble(s -> area(s)).sum()
"""
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert stdout(msgs) == "pear M\n"
    result = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert result[0]["content"]["data"]["text/plain"].startswith("7.14159")
    # redefinition of a record and a method
    reply, msgs = run(kc, "record Square(double side, String name) implements Shape {}\n"
                          "double area(Shape s) { return 0; }\narea(new Square(3, \"s\"))")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert msgs[-1]["content"]["data"]["text/plain"] == "0.0"


def test_a_null_value_shows_null_and_a_trailing_semicolon_hides_the_value(kc):
    reply, msgs = run(kc, 'var seen = new HashMap<String, Integer>();\nseen.put("a", 1)')
    assert reply["content"]["status"] == "ok", reply["content"]
    assert [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ["null"]
    reply, msgs = run(kc, 'seen.put("a", 2);')
    assert reply["content"]["status"] == "ok", reply["content"]
    assert [m for m in msgs if m["msg_type"] == "execute_result"] == []
    assert run(kc, 'seen.get("a")')[1][-1]["content"]["data"]["text/plain"] == "2"   # it ran


def test_silent_runs_without_output_or_count(kc):
    before = run(kc, "1")[0]["content"]["execution_count"]
    reply, msgs = run(kc, 'System.out.println("hidden"); 5', silent=True)
    assert reply["content"]["status"] == "ok"
    assert [m["msg_type"] for m in msgs] == ["status"]  # busy only
    after = run(kc, "1")[0]["content"]["execution_count"]
    assert after == before + 1


def test_store_history_false_keeps_the_count(kc):
    before = run(kc, "1")[0]["content"]["execution_count"]
    run(kc, "2", store_history=False)
    assert run(kc, "3")[0]["content"]["execution_count"] == before + 1


def test_user_expressions_are_evaluated_after_the_cell(kc):
    reply, _ = run(kc, "int ue = 20;", user_expressions={"double": "ue * 2", "broken": "nope + 1"})
    ue = reply["content"]["user_expressions"]
    assert ue["double"]["status"] == "ok"
    assert ue["double"]["data"]["text/plain"] == "40"
    assert ue["broken"]["status"] == "error" and ue["broken"]["ename"] == "CompileError"


def test_stop_on_error_aborts_the_requests_already_queued(kc):
    first = kc.execute('Thread.sleep(500); throw new RuntimeException("fail first");')
    second = kc.execute('System.out.println("must not run");')
    third = kc.execute('System.out.println("must not run either");')
    assert shell_reply(kc, first)["content"]["status"] == "error"
    assert shell_reply(kc, second)["content"]["status"] == "aborted"
    assert shell_reply(kc, third)["content"]["status"] == "aborted"
    reply, msgs = run(kc, 'System.out.println("runs again")')
    assert stdout(msgs) == "runs again\n", (reply, msgs)


def test_without_stop_on_error_the_queue_runs(kc):
    first = kc.execute('Thread.sleep(300); throw new RuntimeException("fail");', stop_on_error=False)
    second = kc.execute('"second ran"')
    assert shell_reply(kc, first)["content"]["status"] == "error"
    assert shell_reply(kc, second)["content"]["status"] == "ok"


def test_system_exit_is_refused_and_the_kernel_lives(kc):
    for code in ["System.exit(3)", "Runtime.getRuntime().exit(4)", "Runtime.getRuntime().halt(5)",
                 "java.util.function.IntConsumer f = System::exit; f.accept(6);"]:
        reply, msgs = run(kc, code)
        assert reply["content"]["status"] == "error", code
        assert "refused" in reply["content"]["evalue"], code
    assert run(kc, "1 + 1")[1][-1]["content"]["data"]["text/plain"] == "2"


def test_complete_counts_cursor_positions_in_code_points(kc):
    code = 'String smile = "\U0001F600"; Math.ab'
    cursor = len(code)  # Python counts code points, as the protocol does
    c = shell_reply(kc, kc.complete(code, cursor))["content"]
    assert c["cursor_end"] == cursor
    assert c["cursor_start"] == cursor - 2
    assert "abs" in c["matches"]


def test_inspect_gives_javadoc(kc):
    c = shell_reply(kc, kc.inspect("Math.abs(", 9, detail_level=0))["content"]
    assert c["found"] is True
    assert "Math.abs" in c["data"]["text/plain"]


def test_history_entries_are_tuples(kc):
    run(kc, "11 * 11")
    h = shell_reply(kc, kc.history(hist_access_type="tail", n=1, output=True))["content"]["history"]
    assert h[-1][2] == ["11 * 11", "121"]
    h = shell_reply(kc, kc.history(hist_access_type="search", pattern="11 * *", n=0))["content"]["history"]
    assert all(len(e) == 3 and isinstance(e[0], int) and isinstance(e[1], int) for e in h) and h


def test_interrupt_stops_a_busy_loop_and_the_next_cell_runs(kernel):
    km, kc = kernel
    msg_id = kc.execute("long spins = 0; while (true) { spins++; }")
    # wait until the cell is running: its execute_input is published when it starts
    deadline = time.monotonic() + TIMEOUT
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
            break
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=10)
    assert reply["content"]["status"] == "error"
    assert "nterrupt" in reply["content"]["ename"] + reply["content"]["evalue"]
    reply, msgs = run(kc, '"after"')
    assert msgs[-1]["content"]["data"]["text/plain"] == '"after"'


def test_percent_reset_gives_a_fresh_jshell(kc):
    run(kc, "int beforeReset = 1;")
    reply, msgs = run(kc, "%reset")
    assert reply["content"]["status"] == "ok"
    reply, msgs = run(kc, "beforeReset")
    assert reply["content"]["ename"] == "CompileError"
    assert run(kc, "List.of(1)")[1][-1]["content"]["data"]["text/plain"] == "[1]"  # start-up imports are back


def test_only_the_last_20_results_stay_reachable(kc):
    run(kc, "java.lang.ref.WeakReference<Object> ref = null;\n"
            "Object track() { Object o = new byte[1 << 20]; ref = new java.lang.ref.WeakReference<>(o); return o; }")
    run(kc, "track()")  # the result is held only by JShell's $N variable
    kept = run(kc, "System.gc(); ref.get() != null")[1][-1]["content"]["data"]["text/plain"]
    assert kept == "true"
    for i in range(25):
        run(kc, f"{i} + 0")
    freed = run(kc, "for (int i = 0; i < 10 && ref.get() != null; i++) System.gc();\nref.get() == null")
    assert freed[1][-1]["content"]["data"]["text/plain"] == "true"
