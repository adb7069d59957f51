"""Interrupt, background failures, stdin and late output: the kernel stays trustworthy."""

from conftest import TIMEOUT, drain_iopub, run, shell_reply, stdout, wait_for_text


def test_an_uncaught_exception_in_a_thread_shows_under_its_cell(kc):
    reply, msgs = run(kc, 'var t = new Thread(() -> { throw new IllegalStateException("background boom"); }, "worker-7");\n'
                          "t.start(); t.join();")
    assert reply["content"]["status"] == "ok"
    err = stdout(msgs, "stderr")
    assert 'Exception in thread "worker-7"' in err and "IllegalStateException: background boom" in err
    assert "at a lambda in cell code" in err


def test_interrupt_stops_the_cells_threads_and_spares_earlier_cells(kernel):
    km, kc = kernel
    run(kc, "var earlier = Thread.ofPlatform().start(() -> {\n"
            "  while (true) { try { Thread.sleep(5); } catch (InterruptedException e) { return; } } });")
    code = ("var q = new LinkedBlockingQueue<Integer>();\n"
            "var waiter = Thread.ofVirtual().start(() -> { try { q.take(); } catch (InterruptedException e) { } });\n"
            "var spinner = Thread.ofPlatform().start(() -> { while (true) { } });\n"
            "var pool = Executors.newFixedThreadPool(2);\n"
            "pool.submit(() -> { Thread.sleep(600_000); return 1; });\n"
            'System.out.println("all started");\n'
            "Thread.sleep(600_000);")
    msg_id = kc.execute(code)
    wait_for_text(kc, msg_id, "all started")
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=20)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    reply, msgs = run(kc, "waiter.join(10_000); spinner.join(10_000); pool.awaitTermination(10, TimeUnit.SECONDS);\n"
                          "List.of(waiter.isAlive(), spinner.isAlive(), pool.isTerminated(), earlier.isAlive())")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert msgs[-1]["content"]["data"]["text/plain"] == "[false, false, true, true]"
    run(kc, "earlier.interrupt();")


def test_reading_stdin_without_allow_stdin_fails_clearly(kc):
    reply, msgs = run(kc, "new Scanner(System.in).nextLine()", allow_stdin=False)
    assert reply["content"]["status"] == "error"
    assert "does not accept input" in "\n".join(reply["content"]["traceback"]) + reply["content"]["evalue"]


def test_reading_stdin_asks_the_front_end(kc):
    msg_id = kc.execute('System.out.print("name? "); var name = new Scanner(System.in).nextLine(); "hello " + name',
                        allow_stdin=True)
    req = kc.get_stdin_msg(timeout=TIMEOUT)
    assert req["msg_type"] == "input_request"
    assert req["parent_header"]["msg_id"] == msg_id
    kc.input("Ada")
    reply = shell_reply(kc, msg_id)
    assert reply["content"]["status"] == "ok"


def test_late_output_is_kept_and_shown_again_by_percent_output(kc):
    first = run(kc, "var late = new CountDownLatch(1);\n"
                    'var printer = new Thread(() -> { try { late.await(); } catch (InterruptedException e) { return; }\n'
                    '  System.out.println("printed after the cell ended"); });\n'
                    "printer.start();")
    n = first[0]["content"]["execution_count"]
    run(kc, "late.countDown(); printer.join();")
    drain_iopub(kc, lambda got: any("printed after" in (m["content"].get("text") or "") for m in got))
    reply, msgs = run(kc, f"%output {n}")
    assert "printed after the cell ended" in stdout(msgs)


def test_percent_threads_lists_cell_threads_with_their_cell(kc):
    reply, _ = run(kc, "var gate2 = new CountDownLatch(1);\n"
                       'var parked = new Thread(() -> { try { gate2.await(); } catch (InterruptedException e) { } }, "parked-one");\n'
                       "parked.start();")
    n = reply["content"]["execution_count"]
    reply, msgs = run(kc, "%threads")
    line = [l for l in stdout(msgs).splitlines() if l.startswith("parked-one")]
    assert line and "WAITING" in line[0] and f"[{n}]" in line[0]
    rows = stdout(msgs).split("(virtual threads")[0].splitlines()[1:]
    # the kernel's and the JDK's own threads are not listed: every row is a cell's, or a common-pool worker
    assert all(r[48:58].strip() or r.startswith("ForkJoinPool") for r in rows), rows
    run(kc, "gate2.countDown();")
