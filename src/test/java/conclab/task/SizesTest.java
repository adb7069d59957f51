package conclab.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class SizesTest {

    private static final Duration MS = Duration.ofMillis(1);

    @Test
    void zipf_with_a_seed_is_reproducible_and_independent_of_order() {
        Sizes a = Sizes.zipf(MS, 50, 1.1, 42), b = Sizes.zipf(MS, 50, 1.1, 42), c = Sizes.zipf(MS, 50, 1.1, 43);
        long[] x = a.nanos(500);
        assertArrayEquals(x, b.nanos(500));
        assertFalse(Arrays.equals(x, c.nanos(500)));
        for (int i = 499; i >= 0; i--) assertEquals(x[i], a.of(i).toNanos()); // any order, same sizes
    }

    @Test
    void zipf_is_skewed_toward_small_sizes_within_bounds() {
        long[] x = Sizes.zipf(MS, 20, 1.2, 7).nanos(20_000);
        int[] counts = new int[21];
        for (long v : x) {
            assertEquals(0, v % MS.toNanos());
            int k = (int) (v / MS.toNanos());
            assertTrue(k >= 1 && k <= 20, "k=" + k);
            counts[k]++;
        }
        // P(1)/P(2) = 2^1.2 ≈ 2.30 and P(1)/P(20) = 20^1.2 ≈ 36.4
        assertEquals(Math.pow(2, 1.2), (double) counts[1] / counts[2], 0.25);
        assertTrue(counts[1] > 10 * counts[20]);
    }

    @Test
    void exponential_has_its_mean() {
        long[] x = Sizes.exponential(Duration.ofMillis(10), 1).nanos(20_000);
        double mean = Arrays.stream(x).average().orElseThrow();
        assertEquals(10e6, mean, 10e6 * 0.05);
        assertTrue(Arrays.stream(x).allMatch(v -> v >= 0));
    }

    @Test
    void uniform_stays_in_range() {
        long[] x = Sizes.uniform(Duration.ofMillis(2), Duration.ofMillis(5), 3).nanos(1000);
        assertTrue(Arrays.stream(x).allMatch(v -> v >= 2_000_000 && v < 5_000_000));
    }
}
