package dev.uppercase.server.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-source reply budget, on a clock the test moves. */
class ReplyRateLimitTest {
    private final AtomicLong clock = new AtomicLong(123_456_789L);
    private final ReplyRateLimit limit = new ReplyRateLimit(5, clock::get);

    private void advanceMillis(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private int allowed(InetAddress source, int attempts) {
        int allowed = 0;
        for (int i = 0; i < attempts; i++) {
            allowed += limit.tryAcquire(source) ? 1 : 0;
        }
        return allowed;
    }

    @Test
    void aSecondsWorthAtOnceThenOneEachInterval() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        assertEquals(5, allowed(a, 100), "a burst of the rate, no more");
        advanceMillis(199);
        assertFalse(limit.tryAcquire(a), "the next is due after 1/rate s");
        advanceMillis(1);
        assertTrue(limit.tryAcquire(a));
        assertFalse(limit.tryAcquire(a));
        advanceMillis(10_000);
        assertEquals(5, allowed(a, 100), "an idle source gets its burst back, and no more");
    }

    @Test
    void aFloodAtTheRateIsAnsweredAtTheRateAndNoFaster() throws Exception {
        InetAddress a = InetAddress.getByName("2001:db8::1");
        int answered = 0;
        for (int ms = 0; ms < 10_000; ms++) { // 10 s of a 1,000 datagrams per second flood
            answered += allowed(a, 1);
            advanceMillis(1);
        }
        assertEquals(5 + 10 * 5 - 1, answered, "the burst, then 5 per second");
    }

    @Test
    void eachSourceHasItsOwnBudget() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        for (int last = 2; limit.slot(a) == limit.slot(b); last++) { // sources sharing a slot share a budget
            b = InetAddress.getByName("192.0.2." + last);
        }
        assertEquals(5, allowed(a, 10));
        assertEquals(5, allowed(b, 10), b + " is not held back by " + a);
    }

    /** Counted in bytes: a second's worth at once, however it is cut, then the rate's worth per second. */
    @Test
    void unitsAreCountedAsTheyAreAsked() throws Exception {
        ReplyRateLimit bytes = new ReplyRateLimit(65_536, clock::get);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        assertTrue(bytes.tryAcquire(a, 65_536), "one largest reply fits in the burst");
        assertFalse(bytes.tryAcquire(a, 28), "not even an empty one after it");
        advanceMillis(500);
        assertFalse(bytes.tryAcquire(a, 32_769), "half a second earns half the rate's worth");
        assertTrue(bytes.tryAcquire(a, 32_768));
        assertFalse(bytes.tryAcquire(a, 1));
    }
}
