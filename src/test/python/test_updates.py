"""What JShell does to other snippets when a cell redefines something: values kept where they fit,
every consequential update said under the cell, and a later NullPointerException that names the variable
an update reset. The last tests run a frozen copy of lesson 09's exercise, check and solution."""
import os

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL, TIMEOUT, run, stdout


def ok(kc, code):
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    return msgs


def result(msgs):
    return [m["content"]["data"] for m in msgs if m["msg_type"] == "execute_result"][-1]


def error_text(reply):
    return "\n".join(reply["content"]["traceback"])


def test_a_variable_keeps_its_value_when_what_it_was_computed_from_is_redefined(kc):
    ok(kc, "Executor pool = ForkJoinPool.commonPool();")
    declared = run(kc, "var held = List.of(pool);")[0]["content"]["execution_count"]
    msgs = ok(kc, "Executor pool = Executors.newSingleThreadExecutor();")
    notice = stdout(msgs, "stderr")
    assert (f"`held` kept its value, computed with the earlier `pool`; re-run cell [{declared}] to recompute it"
            in notice), notice
    assert result(ok(kc, "held.get(0) == ForkJoinPool.commonPool()"))["text/plain"] == "true"
    ok(kc, "((ExecutorService) pool).shutdown();")


def test_a_primitive_keeps_its_value_too(kc):
    # (with `var`, JShell recompiles the dependent: its type comes from what it was computed from)
    ok(kc, "int width = 3;")
    ok(kc, "var area = width * width;")
    notice = stdout(ok(kc, "int width = 4;"), "stderr")
    assert "`area` kept its value, computed with the earlier `width`" in notice, notice
    assert result(ok(kc, "area"))["text/plain"] == "9"


def test_a_variable_whose_type_is_redeclared_is_reset_and_a_later_npe_names_it(kc):
    ok(kc, "record Point(int x, int y) {}")
    ok(kc, "Point origin = new Point(0, 0);")
    ok(kc, "List<Point> corners = List.of(new Point(0, 0), new Point(1, 1));")
    ok(kc, "var moved = new Point(2, 2);")
    reply, msgs = run(kc, "record Point(int x, int y) { double norm() { return Math.hypot(x, y); } }")
    n = reply["content"]["execution_count"]
    notice = stdout(msgs, "stderr")
    assert "`origin` was reset to null because its type Point, which was redeclared" in notice, notice
    # a list of the earlier Points does not fit either, though its class (List) is the same
    assert "`corners` was reset to null because its type List<Point> names Point, which was redeclared" in notice
    # JShell cannot even recompile `var moved = new Point(2, 2)` against the new Point: it is gone
    assert "`moved` can no longer be used: its declaration does not compile after `Point` changed" in notice
    reply, _ = run(kc, "origin.x()")
    assert reply["content"]["ename"] == "java.lang.NullPointerException"
    assert f"`origin` was reset to null in cell [{n}], when `Point` was redefined" in error_text(reply)
    # declared again: no hint any more
    ok(kc, "var origin = new Point(1, 1);")
    ok(kc, "origin = null;")
    reply, _ = run(kc, "origin.x()")
    assert "was reset" not in error_text(reply)


def test_a_method_made_unusable_says_what_it_waits_for(kc):
    ok(kc, "class Helper { static int one() { return 1; } }")
    ok(kc, "int useHelper() { return Helper.one(); }")
    notice = stdout(ok(kc, "class Helper { }"), "stderr")
    assert "method `useHelper()` cannot be called until method one() is declared" in notice, notice


def test_a_declaration_replaced_by_one_of_another_kind_is_named(kc):
    ok(kc, "record Pair(int a) {}")
    notice = stdout(ok(kc, "class Pair { }"), "stderr")
    assert "record `Pair` was replaced by class `Pair`" in notice, notice


def test_an_ordinary_redefinition_says_nothing(kc):
    ok(kc, "int plain() { return 1; }")
    msgs = ok(kc, "int plain() { return 2; }")
    assert stdout(msgs, "stderr") == ""


# ---------------------------------------------------------------- lesson 09, frozen
# Copied from notebooks/09-async-pipelines.ipynb (cells l09-01, l09-14, l09-15, l09-19, l09-20, l09-21,
# l09-23) so that the kernel's tests do not change when the lesson does.

L09_SETUP = [
    # l09-01
    """int cores = Runtime.getRuntime().availableProcessors();
var service = server(ms(20));
String fetch(String what) {                          // one blocking request; answers `what`
    try { service.request(Duration.ZERO, 16); return what; }
    catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }
}
long timed(Callable<?> body) throws Exception { long t0 = System.nanoTime(); body.call(); return System.nanoTime() - t0; }
Mime table(List<String> header, List<List<String>> rows) {
    return Mime.of("text/html", Format.html(header, rows), Format.text(header, rows));
}
cores""",
    # l09-14
    """compute(ms(1));      // the lab calibrates its CPU work on first use: do that now, not inside the experiment

// `work` as a task labelled `label` of `rec`, on whichever thread runs it; notes in `ended` when it ended.
Runnable stage(Recorder rec, Map<String, Long> ended, String label, Work work) {
    return () -> {
        rec.run(label, () -> { try { work.run(0); } catch (Exception e) { throw new CompletionException(e); } });
        ended.put(label, System.nanoTime() - rec.originNanos());
    };
}""",
    # l09-15
    """record StageRun(Trace trace, long quickDone, long firstBlockingDone) {}

// parallelism + 1 blocking stages on `forBlocking`, then 8 quick stages on the common pool; waits for all.
StageRun stages(String label, Executor forBlocking) {
    var rec = recorder(label);
    var ended = new ConcurrentHashMap<String, Long>();
    var all = new ArrayList<CompletableFuture<Void>>();
    for (int i = 0; i <= ForkJoinPool.getCommonPoolParallelism(); i++)
        all.add(CompletableFuture.runAsync(stage(rec, ended, "blocking " + i, io(ms(300))), forBlocking));
    for (int i = 0; i < 8; i++) all.add(CompletableFuture.runAsync(stage(rec, ended, "quick " + i, cpu(ms(1)))));
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    Function<String, LongStream> endsOf = prefix -> ended.entrySet().stream()
            .filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue);
    return new StageRun(rec.stop(), endsOf.apply("quick").max().orElseThrow(), endsOf.apply("blocking").min().orElseThrow());
}
TimelineChart stagesChart(StageRun run) {             // one lane for the blocking stages, one for the quick ones
    return Charts.timeline(run.trace()).laneBy(s -> s.task().startsWith("quick") ? "quick stages" : "blocking stages");
}""",
]
L09_EXERCISE = """Executor forBlockingStages = ForkJoinPool.commonPool();   // TODO: an executor of their own"""  # l09-19
L09_CHECK = """var mine = stages("blocking stages on forBlockingStages", forBlockingStages);
check("the quick stages no longer wait for the blocking ones", mine.quickDone() < mine.firstBlockingDone(),
      "quick stages done after " + Format.millis(mine.quickDone()) + ", a blocking one after "
      + Format.millis(mine.firstBlockingDone()) + ": run the blocking stages off the common pool");"""  # l09-20
L09_SOLUTION = """// Reference solution — try the exercise first.
Executor forBlockingStages = Executors.newVirtualThreadPerTaskExecutor();   // waiting costs a virtual thread nothing"""  # l09-21
L09_CHART = "stagesChart(mine)"  # l09-23


def lesson09_until_solution(kc):
    """Runs the lesson's cells up to the solution; returns (execution count of the check, solution's iopub)."""
    for cell in L09_SETUP:
        ok(kc, cell)
    ok(kc, L09_EXERCISE)
    reply, msgs = run(kc, L09_CHECK, timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "✗" in stdout(msgs)   # the exercise as shipped: the check says what to do
    return reply["content"]["execution_count"], ok(kc, L09_SOLUTION)


def test_lesson09_the_solution_keeps_mine_and_the_chart_draws(kc):
    check, msgs = lesson09_until_solution(kc)
    notice = stdout(msgs, "stderr")
    assert (f"`mine` kept its value, computed with the earlier `forBlockingStages`; re-run cell [{check}] "
            "to recompute it") in notice, notice
    assert "image/png" in result(ok(kc, L09_CHART))


@pytest.fixture()
def kernel_without_carrying():
    env = dict(os.environ, CONCLAB_KEEP_VALUES="0")
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=TIMEOUT, env=env)
    run(kc, "1")
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def test_lesson09_with_carrying_off_mine_is_reset_and_the_chart_cell_names_it(kernel_without_carrying):
    kc = kernel_without_carrying
    check, msgs = lesson09_until_solution(kc)
    solution = check + 1
    notice = stdout(msgs, "stderr")
    assert "`mine` was reset to null because `forBlockingStages` was redefined" in notice, notice
    reply, _ = run(kc, L09_CHART)
    assert reply["content"]["ename"] == "java.lang.NullPointerException"
    assert (f"`mine` was reset to null in cell [{solution}], when `forBlockingStages` was redefined"
            in error_text(reply)), error_text(reply)
