package dev.uppercase.server.tcp;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.codec.Uppercase;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.ops.WarningThrottle;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What all TCP connections together may make the server hold for them: bytes of unterminated lines, reads held back
 * from a client that does not read, replies queued for it. A limit per connection alone does not add up to a safe
 * server (19,000 connections each at the line limit would need more than a gigabyte), so each connection reports
 * what it holds after every read batch, and when the total passes the budget, the connections that hold the most are
 * told so and closed (a lingering close), largest first, until the total is back under nine tenths of it. A
 * connection that holds little is never the one closed while others hold more: everyone within a fair share goes on
 * being served.
 *
 * <p>Shared by the plain and the TLS listener. Thread-safe: connections report from their own event loops; the choice
 * of whom to close runs on one thread at a time.
 */
public final class MemoryBudget {
    private static final Logger log = LoggerFactory.getLogger(MemoryBudget.class);

    private final long limit;
    private final ChannelGroup connections;
    private final ServerStats stats;
    private final Executor chooser;
    private final AtomicLong held = new AtomicLong();
    /** Held by connections already told to close, which give it back as they go. */
    private final AtomicLong leaving = new AtomicLong();
    private final AtomicBoolean choosing = new AtomicBoolean();
    private final WarningThrottle warning = new WarningThrottle(log, Duration.ofSeconds(10));
    final byte[] overBudgetLine;

    /**
     * @param connections the admitted connections, to choose from
     * @param chooser where the choice runs (one thread at a time)
     */
    public MemoryBudget(long limit, ChannelGroup connections, ServerStats stats, Executor chooser) {
        this.limit = limit;
        this.connections = connections;
        this.stats = stats;
        this.chooser = chooser;
        this.overBudgetLine = ErrorReplies.overMemoryBudget().getBytes(Uppercase.CHARSET);
    }

    long limit() {
        return limit;
    }

    /** Bytes held for all connections now. */
    public long held() {
        return held.get();
    }

    /** A connection's holding changed by {@code delta}; over the budget, the largest holders are chosen to close. */
    void change(long delta) {
        if (held.addAndGet(delta) - leaving.get() > limit && choosing.compareAndSet(false, true)) {
            chooser.execute(this::closeLargest);
        }
    }

    /** A connection told to close has let go of its input: what it held then no longer needs reckoning apart. */
    void left(long heldWhenTold) {
        leaving.addAndGet(-heldWhenTold);
    }

    private void closeLargest() {
        try {
            long excess = held.get() - leaving.get() - limit * 9 / 10;
            if (excess <= 0) {
                return;
            }
            List<ConnectionLifecycle> holders = new ArrayList<>();
            for (Channel ch : connections) {
                ConnectionLifecycle lifecycle = TcpPipeline.lifecycle(ch.pipeline());
                if (lifecycle != null && lifecycle.holding() > 0 && !lifecycle.leaving()) {
                    holders.add(lifecycle);
                }
            }
            holders.sort(Comparator.comparingLong(ConnectionLifecycle::holding).reversed());
            int closed = 0;
            for (ConnectionLifecycle holder : holders) {
                if (excess <= 0) {
                    break;
                }
                long holding = holder.holding();
                leaving.addAndGet(holding);
                excess -= holding;
                holder.overBudget(holding, overBudgetLine);
                closed++;
            }
            stats.add(Counter.MEMORY_BUDGET_CLOSED, closed);
            warning.warn("memory budget of {} bytes spent ({} held): closed the {} connection(s) holding the most",
                    limit, held.get(), closed);
        } finally {
            choosing.set(false);
        }
    }
}
