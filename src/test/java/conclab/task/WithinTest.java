package conclab.task;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WithinTest {

    @Test
    void returnsTheResultFromAnotherThread() throws Exception {
        Thread caller = Thread.currentThread();
        Thread ran = Within.call(Duration.ofSeconds(5), Thread::currentThread);
        assertNotSame(caller, ran);
    }

    @Test
    void rethrowsWhatTheBodyThrew() {
        assertThrows(IOException.class, () -> Within.call(Duration.ofSeconds(5), () -> {
            throw new IOException("no");
        }));
    }

    @Test
    void timesOutAndInterruptsTheBody() throws Exception {
        var interrupted = new CountDownLatch(1);
        assertThrows(TimeoutException.class, () -> Within.call(Duration.ofMillis(50), () -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return null;
        }));
        assertTrue(interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, interrupted.getCount());
    }
}
