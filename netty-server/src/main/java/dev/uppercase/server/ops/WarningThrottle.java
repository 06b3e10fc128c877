package dev.uppercase.server.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a recurring warning at most once per interval, with the count of those it held back, so that a flood of bad
 * input cannot flood the log.
 */
public final class WarningThrottle {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAllowedNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public WarningThrottle(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    public void warn(String format, Object... args) {
        long now = System.nanoTime();
        long next = nextAllowedNanos.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long held = suppressed.getAndSet(0);
        log.warn(held == 0 ? format : format + " (and " + held + " more like it since the last warning)", args);
    }
}
