package dev.uppercase.server;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.codec.Uppercase;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes the connections that have sent no complete line for the idle timeout, after a line saying so. One clock per
 * event loop, not a timer per connection: it looks at every connection of its loop each tenth of the timeout (at
 * least every 10 ms, at most every second), so a connection is closed between the timeout and a tenth of it later.
 * Only a terminated line counts (see {@link UppercaseHandler#lastLineNanos}): a client dripping a byte every few
 * seconds (slowloris), or one that sends half a line and waits, is closed on the same clock as a silent one. Netty's
 * IdleStateHandler counts reads of any bytes instead, and keeps a timer per connection.
 *
 * <p>Everything but {@link #forLoop} runs on the event loop.
 */
final class IdleTimeouts {
    private final EventLoop loop;
    private final long timeoutNanos;
    private final long periodNanos;
    private final byte[] reply;
    private final List<UppercaseHandler> handlers = new ArrayList<>();
    private ScheduledFuture<?> sweep;

    /** The idle clocks of one listener's connections, one per event loop, made as the loops get connections. */
    static final class PerLoop {
        private final Duration timeout;
        private final ConcurrentMap<EventLoop, IdleTimeouts> clocks = new ConcurrentHashMap<>();

        PerLoop(Duration timeout) {
            this.timeout = timeout;
        }

        IdleTimeouts forLoop(EventLoop loop) {
            return clocks.computeIfAbsent(loop, l -> new IdleTimeouts(l, timeout));
        }
    }

    private IdleTimeouts(EventLoop loop, Duration timeout) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        this.periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(TimeUnit.SECONDS.toNanos(1), timeoutNanos / 10));
        this.reply = ErrorReplies.idleTimeout(timeout.toMillis()).getBytes(Uppercase.CHARSET);
    }

    /** Starts watching a connection. */
    void watch(UppercaseHandler handler) {
        handler.idleIndex = handlers.size();
        handlers.add(handler);
        if (sweep == null) {
            sweep = loop.scheduleAtFixedRate(this::sweep, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops watching a connection (closed, or removed); any order, in constant time. */
    void forget(UppercaseHandler handler) {
        int i = handler.idleIndex;
        if (i < 0) {
            return;
        }
        handler.idleIndex = -1;
        int last = handlers.size() - 1;
        if (i != last) { // the last one takes its place
            UppercaseHandler moved = handlers.get(last);
            handlers.set(i, moved);
            moved.idleIndex = i;
        }
        handlers.remove(last);
        if (handlers.isEmpty() && sweep != null) {
            sweep.cancel(false); // an idle loop keeps no timer
            sweep = null;
        }
    }

    private void sweep() {
        long now = loop.ticker().nanoTime();
        // From the end: a timed-out connection is forgotten on the spot, and the last one moves into its place.
        for (int i = handlers.size() - 1; i >= 0; i--) {
            UppercaseHandler handler = handlers.get(i);
            if (now - handler.lastLineNanos >= timeoutNanos) {
                forget(handler);
                handler.idleTimeout(reply);
            }
        }
    }
}
