"""Output from any thread lands under the cell it belongs to, in order per thread, also late."""
import re
from collections import defaultdict

from conftest import TIMEOUT, drain_iopub, run, stdout


def lines_by_parent(msgs):
    got = defaultdict(list)
    for m in msgs:
        if m["msg_type"] == "stream":
            for line in m["content"]["text"].splitlines():
                got[m["parent_header"].get("msg_id")].append(line)
    return got


def test_late_output_of_a_thread_lands_under_its_own_cell(kc):
    start = kc.execute(
        "var gate = new CountDownLatch(1);\n"
        "new Thread(() -> {\n"
        "  try { gate.await(); } catch (InterruptedException e) { return; }\n"
        '  System.out.println("late from the first cell");\n'
        "}).start();")
    other = kc.execute("gate.countDown();")
    msgs = drain_iopub(kc, lambda got: any("late from the first cell" in (m["content"].get("text") or "")
                                           for m in got))
    late = [m for m in msgs if "late from the first cell" in (m["content"].get("text") or "")]
    assert late, "the thread's line never arrived"
    assert late[0]["parent_header"]["msg_id"] == start
    assert late[0]["parent_header"]["msg_id"] != other


def test_sixty_cells_each_with_a_thread_printing_three_lines(kc):
    ids = {}
    for i in range(60):
        code = ("Thread.ofPlatform().start(() -> { for (int k = 0; k < 3; k++) "
                f'System.out.println("cell {i} line " + k); }});')
        if i % 2:
            code = code.replace("Thread.ofPlatform()", "Thread.ofVirtual()")
        ids[kc.execute(code)] = i
    pattern = re.compile(r"cell (\d+) line (\d)")

    def count(got):
        return sum(len(pattern.findall(m["content"].get("text") or "")) for m in got if m["msg_type"] == "stream")

    msgs = drain_iopub(kc, lambda got: count(got) >= 180, timeout=TIMEOUT * 2)
    by_parent = lines_by_parent(msgs)
    total = 0
    for msg_id, i in ids.items():
        mine = [pattern.match(line).groups() for line in by_parent.get(msg_id, []) if pattern.match(line)]
        assert mine == [(str(i), "0"), (str(i), "1"), (str(i), "2")], f"cell {i}: {mine}"
        total += len(mine)
    assert total == 180


def test_a_pool_worker_thread_prints_under_the_cell_that_created_it(kc):
    first, _ = run(kc, "var pool = Executors.newSingleThreadExecutor();\n"
                       'pool.submit(() -> System.out.println("warm")).get();')
    reply, msgs = run(kc, 'pool.submit(() -> System.out.println("reused")).get();')
    # the worker inherited the first cell's context (rule 2), so its line is not under this cell
    assert "reused" not in stdout(msgs)
    run(kc, "pool.shutdown();")


def test_display_from_a_worker_after_the_cell_finished_updates_in_place(kc):
    start = kc.execute(
        "var go = new CountDownLatch(1);\n"
        'var handle = display(html("<i>working</i>"));\n'
        "new Thread(() -> {\n"
        "  try { go.await(); } catch (InterruptedException e) { return; }\n"
        '  handle.update(html("<b>done</b>"));\n'
        "}).start();")
    run(kc, "go.countDown();")
    msgs = drain_iopub(kc, lambda got: any(m["msg_type"] == "update_display_data" for m in got))
    shown = [m for m in msgs if m["msg_type"] == "display_data"]
    updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
    assert updates, "no update arrived"
    assert updates[0]["content"]["data"]["text/html"] == "<b>done</b>"
    assert updates[0]["parent_header"]["msg_id"] == start
    if shown:
        assert shown[0]["content"]["transient"]["display_id"] == updates[0]["content"]["transient"]["display_id"]


def test_a_flood_of_output_is_capped_with_a_notice_and_idle_arrives(kc):
    code = ("var ts = new ArrayList<Thread>();\n"
            "for (int t = 0; t < 8; t++) { int id = t; ts.add(Thread.ofPlatform().start(() -> {\n"
            '  for (int i = 0; i < 2000; i++) System.out.println("thread " + id + " line " + i); })); }\n'
            "for (Thread t : ts) t.join();")
    reply, msgs = run(kc, code, timeout=TIMEOUT * 2)
    assert reply["content"]["status"] == "ok"
    text = stdout(msgs)
    lines = text.splitlines()
    # every line or the truncation notice: 16,000 lines of ~20 bytes fit under the 1 MiB cap
    assert len(lines) == 16000 or "output truncated" in stdout(msgs, "stderr")
    for t in range(8):  # in order per thread
        mine = [int(x) for x in re.findall(rf"thread {t} line (\d+)", text)]
        assert mine == sorted(mine)
    # and the kernel is still responsive
    assert run(kc, '"alive"')[1][-1]["content"]["data"]["text/plain"] == '"alive"'


def test_more_than_the_cap_is_truncated_with_a_notice(kc):
    reply, msgs = run(kc, 'var big = "x".repeat(1023);\nfor (int i = 0; i < 3000; i++) System.out.println(big);',
                      timeout=TIMEOUT * 2)
    assert reply["content"]["status"] == "ok"
    assert "output truncated" in stdout(msgs, "stderr")
    assert len(stdout(msgs)) <= (1 << 20)
