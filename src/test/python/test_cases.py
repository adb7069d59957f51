"""Where each way of starting work in Java prints: the documented outcome of every case (README)."""
from conftest import run, stdout


def test_new_thread_prints_under_its_cell(kc):
    reply, msgs = run(kc, 'var t1 = new Thread(() -> System.out.println("plain thread")); t1.start(); t1.join();')
    assert stdout(msgs) == "plain thread\n"


def test_virtual_thread_prints_under_its_cell(kc):
    reply, msgs = run(kc, 'Thread.ofVirtual().start(() -> System.out.println("virtual thread")).join();')
    assert stdout(msgs) == "virtual thread\n"


def test_pool_created_in_the_cell_prints_under_it(kc):
    reply, msgs = run(kc, "var own = Executors.newFixedThreadPool(3);\n"
                          'for (int i = 0; i < 3; i++) { int n = i; own.submit(() -> System.out.println("task " + n)); }\n'
                          "own.shutdown(); own.awaitTermination(30, TimeUnit.SECONDS);")
    assert sorted(stdout(msgs).splitlines()) == ["task 0", "task 1", "task 2"]


def test_pool_reused_from_an_earlier_cell_prints_under_that_cell_unless_captured(kc):
    first, _ = run(kc, "var reused = Executors.newSingleThreadExecutor();\nreused.submit(() -> 0).get();")
    reply, msgs = run(kc, 'reused.submit(() -> System.out.println("inherited")).get();')
    assert "inherited" not in stdout(msgs)  # rule 2: the worker belongs to the cell that created it
    reply, msgs = run(kc, 'reused.submit(inThisCell(() -> System.out.println("captured"))).get();')
    assert stdout(msgs) == "captured\n"     # rule 1: captured at submission
    run(kc, "reused.shutdown();")


def test_common_pool_future_prints_under_the_running_cell_with_the_thread_name(kc):
    reply, msgs = run(kc, 'CompletableFuture.runAsync(() -> System.out.println("async")).join();')
    out = stdout(msgs)
    assert out.endswith("async\n")
    assert out == "async\n" or out.startswith("[ForkJoinPool.commonPool-worker-")


def test_parallel_stream_prints_every_element_under_the_cell(kc):
    reply, msgs = run(kc, 'IntStream.range(0, 8).parallel().forEach(i -> System.out.println("element " + i));')
    lines = [line.split("] ")[-1] for line in stdout(msgs).splitlines()]
    assert sorted(lines) == [f"element {i}" for i in range(8)]


def test_scheduled_executor_ticks_print_under_the_cell_that_scheduled_them(kc):
    reply, msgs = run(kc, "var ticks = new CountDownLatch(3);\n"
                          "var sched = Executors.newSingleThreadScheduledExecutor();\n"
                          'sched.scheduleAtFixedRate(() -> { System.out.println("tick"); ticks.countDown(); }, 0, 10, TimeUnit.MILLISECONDS);\n'
                          "ticks.await(); sched.shutdown(); sched.awaitTermination(30, TimeUnit.SECONDS);")
    assert stdout(msgs).splitlines()[:3] == ["tick", "tick", "tick"]


def test_timer_task_prints_under_the_cell_that_created_the_timer(kc):
    reply, msgs = run(kc, "var fired = new CountDownLatch(1);\nvar timer = new java.util.Timer();\n"
                          'timer.schedule(new TimerTask() { public void run() { System.out.println("timer fired"); fired.countDown(); } }, 5);\n'
                          "fired.await(); timer.cancel();")
    assert stdout(msgs) == "timer fired\n"
