"""What an interrupt cannot stop is reported, and the kernel goes on. Own kernel: threads stay stuck."""

from conftest import run, shell_reply, wait_for_text


def test_a_deadlock_is_reported_with_threads_and_locks_on_interrupt(kernel):
    km, kc = kernel
    code = """
Object lockA = new Object(), lockB = new Object();
var bothHoldOne = new CyclicBarrier(2);
Runnable ab = () -> { synchronized (lockA) { try { bothHoldOne.await(); } catch (Exception e) { } synchronized (lockB) { } } };
Runnable ba = () -> { synchronized (lockB) { try { bothHoldOne.await(); } catch (Exception e) { } synchronized (lockA) { } } };
var t1 = new Thread(ab, "takes-A-then-B"); var t2 = new Thread(ba, "takes-B-then-A");
t1.start(); t2.start();
while (t1.getState() != Thread.State.BLOCKED || t2.getState() != Thread.State.BLOCKED) Thread.onSpinWait();
System.out.println("both blocked");
t1.join();
"""
    msg_id = kc.execute(code)
    wait_for_text(kc, msg_id, "both blocked")
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=20)
    tb = "\n".join(reply["content"]["traceback"])
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert "Deadlock" in tb or "Still running" in tb
    assert "takes-A-then-B" in tb and "takes-B-then-A" in tb
    reply, msgs = run(kc, "%threads")
    text = "".join(m["content"].get("text", "") for m in msgs if m["msg_type"] == "stream")
    assert "Deadlock" in text and "takes-A-then-B" in text
    assert "ignoring interrupts" in text and "restart the kernel" in text


def test_a_deadlock_of_interruptible_waits_says_an_interrupt_breaks_it(kernel):
    km, kc = kernel
    run(kc, """
var lockC = new ReentrantLock(); var lockD = new ReentrantLock();
var each = new CyclicBarrier(2);
Runnable cd = () -> { try { lockC.lockInterruptibly(); try { each.await(); lockD.lockInterruptibly(); lockD.unlock(); } finally { lockC.unlock(); } } catch (Exception e) { } };
Runnable dc = () -> { try { lockD.lockInterruptibly(); try { each.await(); lockC.lockInterruptibly(); lockC.unlock(); } finally { lockD.unlock(); } } catch (Exception e) { } };
var t3 = Thread.ofPlatform().name("takes-C-then-D").start(cd); var t4 = Thread.ofPlatform().name("takes-D-then-C").start(dc);
var mx = java.lang.management.ManagementFactory.getThreadMXBean();
long until = System.nanoTime() + 30_000_000_000L;
while (!lockC.hasQueuedThreads() || !lockD.hasQueuedThreads()) { if (System.nanoTime() > until) throw new AssertionError("no deadlock"); Thread.onSpinWait(); }
""")
    reply, msgs = run(kc, "%threads")
    text = "".join(m["content"].get("text", "") for m in msgs if m["msg_type"] == "stream")
    line = [l for l in text.splitlines() if '"takes-C-then-D" waits' in l]
    assert line and "interruptibly" in line[0], text
    assert "interrupting one that waits interruptibly breaks the cycle" in text
    # and it does: interrupt one, the other completes
    reply, msgs = run(kc, "t3.interrupt(); t3.join(); t4.join(); t4.isAlive()")
    assert msgs[-1]["content"]["data"]["text/plain"] == "false"


def test_a_thread_blocked_on_a_monitor_is_reported_and_abandoned(kernel):
    km, kc = kernel
    run(kc, "var lock = new Object(); var held = new CountDownLatch(1);\n"
            "var holder = Thread.ofPlatform().name(\"holder\").start(() -> {\n"
            "  synchronized (lock) { held.countDown(); while (true) java.util.concurrent.locks.LockSupport.park(); } });\n"
            "held.await();")
    # one snippet prints the marker, then blocks entering the monitor: no stop check, deaf to interrupts
    msg_id = kc.execute('void enter() {\n  System.out.println("entering");\n  synchronized (lock) { }\n}\nenter()')
    wait_for_text(kc, msg_id, "entering")
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=30)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    tb = "\n".join(reply["content"]["traceback"])
    assert "ignores interrupts" in tb and "Restart" in tb and "enter" in tb
    reply, msgs = run(kc, '"the kernel goes on"')
    assert msgs[-1]["content"]["data"]["text/plain"] == '"the kernel goes on"'
