"""The lessons' widget cells, driven as a front end drives them: the cells are read from the notebooks by
id and run in a kernel through jupyter_client; slider changes and clicks are comm_msg messages, as
JupyterLab's widget manager sends them. Deterministic: every wait is for a message or a latch, with
generous deadlines; the only race left (a click handled while 2 s of work still runs elsewhere) has a
margin of seconds against milliseconds. The figures printed (-s) are what the README quotes."""
import json
import os
import subprocess
import time

import pytest

from conftest import TIMEOUT, drain_iopub, run, shell_reply
from test_widgets import send

ROOT = os.environ.get("CONCLAB_ROOT", os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def cell(lesson, cid):
    """The source of cell cid of notebooks/<lesson>*.ipynb."""
    nbdir = os.path.join(ROOT, "notebooks")
    path = [os.path.join(nbdir, f) for f in sorted(os.listdir(nbdir)) if f.startswith(lesson) and f.endswith(".ipynb")][0]
    with open(path, encoding="utf-8") as f:
        for c in json.load(f)["cells"]:
            if c["id"] == cid:
                return "".join(c["source"])
    raise KeyError(f"{lesson}: no cell {cid}")


def ok(kc, code):
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    return msgs


def opened(msgs):
    """{comm_id: state} of the widget models opened by these iopub messages."""
    return {m["content"]["comm_id"]: m["content"]["data"]["state"]
            for m in msgs if m["msg_type"] == "comm_open" and "state" in m["content"].get("data", {})}


def find(models, model, **state):
    ids = [cid for cid, s in models.items() if s.get("_model_name") == model
           and all(s.get(k) == v for k, v in state.items())]
    assert len(ids) == 1, (model, state, ids)
    return ids[0]


def updates(msgs, comm_id):
    return [m["content"]["data"]["state"] for m in msgs if m["msg_type"] == "comm_msg"
            and m["content"].get("comm_id") == comm_id and m["content"]["data"].get("method") == "update"]


def click(kc, comm_id):
    send(kc, "comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": {"event": "click"}}})


def value(kc, expr):
    msgs = ok(kc, expr)
    return [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]


class Watch:
    """iopub messages read as they come, kept, so that several waits can look at the same stream."""

    def __init__(self, kc):
        self.kc, self.seen = kc, []

    def until(self, pred, what, timeout=TIMEOUT):
        start = len(self.seen)
        got = drain_iopub(self.kc, lambda g: pred(self.seen + g[:]), timeout)
        # drain_iopub returns everything it read (backlog included): keep it all, in order
        self.seen.extend(got)
        assert pred(self.seen), f"timed out waiting for {what}"
        return self.seen[start:]


@pytest.fixture(scope="module")
def lesson08(kernel):
    kc = kernel[1]
    ok(kc, 'language("en");')
    ok(kc, cell("08a", "l08-01"))
    return kc


# ---------------------------------------------------------------- 01b: the thread-count slider

def test_the_thread_count_slider_redraws_the_timeline_and_speedup(kc):
    ok(kc, 'language("en");')
    ok(kc, cell("01b", "l01-19"))                  # cores
    msgs = ok(kc, cell("01b", "l01-32"))
    models = opened(msgs)
    slider = find(models, "IntSliderModel", description="threads")
    out = find(models, "OutputModel")
    cores = models[slider]["value"]
    first = [m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert "application/vnd.jupyter.widget-view+json" in first
    shown = updates(msgs, out)
    assert shown and "image/png" in shown[-1]["outputs"][0]["data"], "the first run is drawn while the cell runs"
    w = Watch(kc)
    timings = []
    for n in ([1, 2 * cores] if cores > 1 else [2, 4]):
        t0 = time.monotonic()
        send(kc, "comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {"value": n}, "buffer_paths": []}})

        def drawn(g, n=n):
            return any(o["data"].get("text/plain", "").find(f"{n} threads:") >= 0
                       for s in updates(g, out) for o in s.get("outputs", []) if o.get("output_type") == "display_data")
        got = w.until(drawn, f"a chart for {n} threads")
        timings.append(time.monotonic() - t0)
        chart = [o for s in updates(got, out) for o in s.get("outputs", [])][-1]
        assert chart["data"]["image/png"], "a new picture"
        assert "speedup" in chart["data"]["text/plain"].lower(), chart["data"]["text/plain"][:300]
    base = []
    for _ in range(5):                             # the machine's pace now: a small cell's round trip
        t0 = time.monotonic()
        ok(kc, "1 + 1")
        base.append(time.monotonic() - t0)
    print(f"\nslider change -> redrawn timeline and speedup: {', '.join(f'{t * 1000:.0f} ms' for t in timings)} "
          f"(a `1 + 1` cell in the same run: median {sorted(base)[2] * 1000:.0f} ms)")


# ---------------------------------------------------------------- 08a: Stop

def test_stop_cancels_the_experiments_tasks_only_and_the_kernel_goes_on(lesson08):
    kc = lesson08
    ok(kc, "var ticks = new java.util.concurrent.atomic.AtomicLong();\n"
           "var ticker = Thread.ofPlatform().name(\"bystander\").daemon().start(() -> {\n"
           "    while (true) { ticks.incrementAndGet(); try { Thread.sleep(5); } catch (InterruptedException e) { return; } }\n"
           "});")
    tasks = int(value(kc, "100 * cores"))
    cell_id = kc.execute(cell("08a", "l08-73"))
    w = Watch(kc)
    mine = lambda g: [m for m in g if m["parent_header"].get("msg_id") == cell_id]
    w.until(lambda g: any(s.get("_model_name") == "ButtonModel" and s.get("description") == "Stop"
                          for s in opened(mine(g)).values()), "the Stop button")
    stop = find(opened(mine(w.seen)), "ButtonModel", description="Stop")
    # stopButton() greys it out (an update, or the state it opens with); run() arms it: an update to false
    w.until(lambda g: any(u.get("disabled") is False for u in updates(g, stop)), "the Stop button armed by run()")
    t0 = time.monotonic()
    click(kc, stop)
    reply = shell_reply(kc, cell_id)
    stopped_after = time.monotonic() - t0
    assert reply["content"]["status"] == "ok", reply["content"]
    t1 = time.monotonic()
    info = kc.kernel_info()
    shell_reply(kc, info)
    answered = time.monotonic() - t1
    w.until(lambda g: any(m["msg_type"] == "execute_result" for m in mine(g)), "the cell's result")
    result = [m for m in mine(w.seen) if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]
    assert "stopped during platform(" in result, result
    started = int(result.split("tasks had started")[0].split(":")[-1].split("of")[0].strip())
    assert 0 <= started < tasks, result
    assert any(m["msg_type"] == "display_data" and "image/png" in m["content"]["data"] for m in mine(w.seen)), \
        "the timeline of what ran is drawn after the stop"
    w.until(lambda g: [u["disabled"] for u in updates(g, stop) if "disabled" in u][-1] is True,
            "the Stop button greyed out again")
    # only them: no experiment thread is left, the bystander still ticks
    assert value(kc, 'Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("platform-")).count()') == "0"
    a = int(value(kc, "ticks.get()"))
    ok(kc, "Thread.sleep(100);")
    assert value(kc, "ticker.isAlive()") == "true"
    assert int(value(kc, "ticks.get()")) > a, "the thread of another cell goes on"
    assert value(kc, "1 + 1") == "2"
    print(f"\nStop: click -> cell's reply {stopped_after * 1000:.0f} ms ({started} of {tasks} tasks had started); "
          f"then kernel_info answered in {answered * 1000:.1f} ms")
    ok(kc, "ticker.interrupt();")


# ---------------------------------------------------------------- 08a: the responsive-UI demonstration

def test_a_click_is_handled_at_once_with_work_elsewhere_and_waits_for_work_on_the_click_thread(lesson08):
    kc = lesson08
    msgs = ok(kc, cell("08a", "l08-72"))
    models = opened(msgs)
    count = find(models, "ButtonModel", description="Count")
    here = find(models, "ButtonModel", description="Work on the click thread")
    away = find(models, "ButtonModel", description="Work on another thread")
    label = find(models, "LabelModel", value="0 clicks")
    bar = find(models, "IntProgressModel", description="work")
    # what the work had done when Count's handler ran, recorded by the kernel itself
    ok(kc, "var seenAtCount = new LinkedBlockingQueue<Integer>(); count.onClick(() -> seenAtCount.add(workDone.value()));")
    w = Watch(kc)

    # 1. work on another thread: Count answers while the work runs
    click(kc, away)
    w.until(lambda g: any(0 < s.get("value", 0) < 100 for s in updates(g, bar)), "the work started elsewhere")
    t0 = time.monotonic()
    click(kc, count)
    w.until(lambda g: {"value": "1 clicks"} in updates(g, label), "Count's label")
    quick = time.monotonic() - t0
    during = int(value(kc, "seenAtCount.take()"))
    assert during < 100, f"Count was handled while the work ran elsewhere (at step {during} of 100)"
    w.until(lambda g: any(s.get("value") == 100 for s in updates(g, bar)), "the work on another thread done")
    ok(kc, 'while (workDone.value() < 100) Thread.sleep(5);')

    # 2. work on the click thread: Count waits until it is done
    mark = len(w.seen)
    click(kc, here)
    w.until(lambda g: any(0 < s.get("value", 0) < 100 for s in updates(g[mark:], bar)), "the work started on the click thread")
    t0 = time.monotonic()
    click(kc, count)
    w.until(lambda g: {"value": "2 clicks"} in updates(g, label), "Count's label after the work")
    frozen = time.monotonic() - t0
    assert int(value(kc, "seenAtCount.take()")) == 100, "Count's handler ran only once the work on its thread ended"
    print(f"\nresponsive UI: Count answered in {quick * 1000:.0f} ms with the work on another thread, "
          f"{frozen * 1000:.0f} ms with the work on the click thread")
    assert quick < frozen


# ---------------------------------------------------------------- 06a: live progress and queue depth

def test_the_flood_is_watched_live_while_the_cell_runs(kc):
    ok(kc, 'language("en");')
    ok(kc, cell("06a", "l06-02"))
    cell_id = kc.execute(cell("06a", "l06-73"))
    reply = shell_reply(kc, cell_id)
    assert reply["content"]["status"] == "ok", reply["content"]
    got = drain_iopub(kc, lambda g: any(m["parent_header"].get("msg_id") == cell_id and m["msg_type"] == "status"
                                        and m["content"]["execution_state"] == "idle" for m in g))
    mine = [m for m in got if m["parent_header"].get("msg_id") == cell_id]
    models = opened(mine)
    queued = find(models, "IntProgressModel", description="queued")
    served = find(models, "IntProgressModel", description="served")
    depths = [s["value"] for s in updates(mine, queued) if "value" in s]
    done = [s["value"] for s in updates(mine, served) if "value" in s]
    # the producer runs ahead: the queue grows past what two workers could hold, served climbs, both shown live
    assert max(depths) > 100 and len(set(depths)) >= 3, depths
    assert done == sorted(done) and len(set(done)) >= 3, done
    result = [m for m in mine if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]
    assert "unbounded, watched" in result


# ---------------------------------------------------------------- plain JShell: the same cells, as text

def test_the_lessons_widget_cells_in_plain_jshell(tmp_path):
    jar = os.environ["CONCLAB_JAR"]
    jshell = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "jshell")
    startup = os.path.join(ROOT, "kernel", "startup.jsh")
    slider_first, slider_rest = cell("01b", "l01-32").split("\n", 1)
    script = "\n".join([
        cell("08a", "l08-01"),
        # the responsive-UI demo: clicks from code; the handlers run and the label follows
        cell("08a", "l08-72"),
        'count.click(); count.click(); System.out.println("label=" + counted.value());',
        'elsewhere.execute(() -> {}); away.click(); while (workDone.value() < 100) Thread.sleep(10); System.out.println("work=" + workDone.value());',
        # Stop, clicked from another thread once the button is armed
        'var stop = stopButton();',
        'Thread.ofVirtual().start(() -> { while (stop.disabled() || Thread.getAllStackTraces().keySet().stream()'
        '.noneMatch(t -> t.getName().startsWith("platform-"))) Thread.onSpinWait(); stop.click(); });',
        'var stoppable = experiment(cpu(ms(20))).tasks(500 * cores).on(platform(cores)).warmup(0).repeat(1).stopOn(stop).run();',
        'System.out.println("caption=" + stoppable.caption());',
        # the slider: interact runs once, at once, and shows its text
        slider_first,
        "var shown = " + slider_rest,
        'System.out.println("slider=" + threads.text() + " runs=" + shown.runs());',
        "/exit",
    ])
    path = tmp_path / "lessons.jsh"
    path.write_text(script + "\n")
    out = subprocess.run([jshell, "--class-path", jar, "-R-Djava.awt.headless=true", "--startup", "DEFAULT",
                          "--startup", startup, str(path)], capture_output=True, text=True, timeout=300)
    text = out.stdout + out.stderr
    assert "label=2 clicks" in text, text
    assert "work=100" in text, text
    assert "caption=" in text and "stopped during platform(" in text, text
    assert "slider=threads: " in text and "runs=1" in text, text
    assert "Exception" not in out.stdout and "Error" not in out.stdout, text


# ---------------------------------------------------------------- the output widget, written by many threads

def test_the_output_widget_keeps_what_every_thread_writes_into_it(kc):
    """4 threads × 50 lines into one output widget (println, and a PrintStream handed to code that prints):
    the front end's last state holds every line, whole, in order per thread, under the cell that made it."""
    code = """
var out9 = output();
display(out9);
var ws9 = new ArrayList<Thread>();
for (int t = 0; t < 4; t++) {
    int k = t;
    ws9.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 50; i++) {
            if (i % 2 == 0) out9.println("t" + k + " line " + i); else out9.stream().println("t" + k + " line " + i);
        }
    }));
}
for (var t : ws9) t.join();
"""
    msgs = ok(kc, code)
    oid = find(opened(msgs), "OutputModel")
    got = drain_iopub(kc, lambda g: any(len("".join(o.get("text", "") for o in s["outputs"]).splitlines()) == 200
                                        for s in updates(msgs + g, oid) if "outputs" in s))
    last = [s["outputs"] for s in updates(msgs + got, oid) if "outputs" in s][-1]
    lines = "".join(o.get("text", "") for o in last).splitlines()
    assert len(lines) == 200, len(lines)
    for k in range(4):
        assert [l for l in lines if l.startswith(f"t{k} ")] == [f"t{k} line {i}" for i in range(50)]
