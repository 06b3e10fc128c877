package dev.uppercase.server.access;

import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.ops.WarningThrottle;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most connections a listener may have open at once (the plain and the TLS listener share one: both spend the
 * same descriptors; the HTTP endpoint has its own). A connection over it is counted and logged here, at most once per
 * 10 s.
 */
public final class ConnectionLimit {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int max;
    private final ServerStats stats;
    private final Counter refusals;
    private final String what;
    private final AtomicInteger open = new AtomicInteger();
    private final WarningThrottle rejectedWarning = new WarningThrottle(log, Duration.ofSeconds(10));

    /**
     * @param refusals the counter of the connections turned away
     * @param what what the limit is of, in its log line ("connections", "HTTP connections")
     */
    public ConnectionLimit(int max, ServerStats stats, Counter refusals, String what) {
        this.max = max;
        this.stats = stats;
        this.refusals = refusals;
        this.what = what;
    }

    public int max() {
        return max;
    }

    /**
     * Holds a place for {@code ch}, which whoever serves it gives back with {@link #release} when it ends; false,
     * holding nothing, when every place is taken (the refusal is then counted and logged).
     */
    public boolean tryOpen(Channel ch) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            stats.add(refusals);
            rejectedWarning.warn("refused a connection from {}: at the limit of {} {}", ClientAddress.of(ch), max,
                    what);
            return false;
        }
        return true;
    }

    /** Gives back a place taken by {@link #tryOpen}. */
    public void release() {
        open.decrementAndGet();
    }
}
