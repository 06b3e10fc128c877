package dev.uppercase.server.tcp;

import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.ops.WarningThrottle;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most connections open at once, shared by the plain and the TLS listener (both spend the same descriptors). A
 * connection over it is counted and logged here, at most once per 10 s for both listeners together.
 */
public final class ConnectionLimit {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int max;
    private final ServerStats stats;
    private final AtomicInteger open = new AtomicInteger();
    private final WarningThrottle rejectedWarning = new WarningThrottle(log, Duration.ofSeconds(10));

    public ConnectionLimit(int max, ServerStats stats) {
        this.max = max;
        this.stats = stats;
    }

    int max() {
        return max;
    }

    /**
     * Holds a place for {@code ch}, which whoever serves it gives back with {@link #release} when it ends (the
     * UppercaseHandler, when it is removed: no listener per connection); false, holding nothing, when every place is
     * taken (the refusal is then counted and logged).
     */
    boolean tryOpen(Channel ch) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            stats.add(Counter.CONNECTIONS_REJECTED);
            rejectedWarning.warn("refused a connection from {}: at the limit of {} connections", ch.remoteAddress(),
                    max);
            return false;
        }
        return true;
    }

    /** Gives back a place taken by {@link #tryOpen}. */
    void release() {
        open.decrementAndGet();
    }
}
