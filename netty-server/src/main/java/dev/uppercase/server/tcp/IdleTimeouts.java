package dev.uppercase.server.tcp;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells the connections that have sent no complete line for the idle timeout that their time is up. One clock per
 * event loop, not a timer per connection: it looks at every connection of its loop each tenth of the timeout (at
 * least every 10 ms, at most every second), so a connection is told between the timeout and a tenth of it later. Only
 * a terminated line counts (the connection's owner says when one came, {@link Entry#lineCame}): a client dripping a
 * byte every few seconds (slowloris), or one that sends half a line and waits, times out on the same clock as a
 * silent one. Netty's IdleStateHandler counts reads of any bytes instead, and keeps a timer per connection.
 *
 * <p>Everything but {@link PerLoop#forLoop} runs on the event loop.
 */
final class IdleTimeouts {
    private final EventLoop loop;
    private final long timeoutNanos;
    private final long periodNanos;
    private final List<Entry> entries = new ArrayList<>();
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

    /** One connection on the clock. */
    final class Entry {
        private final Runnable timedOut;
        private long lastLineNanos;
        private int index;

        private Entry(Runnable timedOut) {
            this.timedOut = timedOut;
            this.lastLineNanos = loop.ticker().nanoTime(); // the clock starts at accept
        }

        /** A complete line came: the clock starts again. */
        void lineCame() {
            lastLineNanos = loop.ticker().nanoTime();
        }

        /** Off the clock (closed); any order, in constant time, and more than once. */
        void forget() {
            if (index < 0) {
                return;
            }
            int i = index;
            index = -1;
            int last = entries.size() - 1;
            if (i != last) { // the last one takes its place
                Entry moved = entries.get(last);
                entries.set(i, moved);
                moved.index = i;
            }
            entries.remove(last);
            if (entries.isEmpty() && sweep != null) {
                sweep.cancel(false); // an idle loop keeps no timer
                sweep = null;
            }
        }
    }

    private IdleTimeouts(EventLoop loop, Duration timeout) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        this.periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(TimeUnit.SECONDS.toNanos(1), timeoutNanos / 10));
    }

    /** Puts a connection on the clock; {@code timedOut} runs (once, and the entry is forgotten) when its time is up. */
    Entry watch(Runnable timedOut) {
        Entry entry = new Entry(timedOut);
        entry.index = entries.size();
        entries.add(entry);
        if (sweep == null) {
            sweep = loop.scheduleAtFixedRate(this::sweep, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        }
        return entry;
    }

    private void sweep() {
        long now = loop.ticker().nanoTime();
        // From the end: a timed-out entry is forgotten on the spot, and the last one moves into its place.
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry entry = entries.get(i);
            if (now - entry.lastLineNanos >= timeoutNanos) {
                entry.forget();
                entry.timedOut.run();
            }
        }
    }
}
