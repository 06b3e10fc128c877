package dev.uppercase.server.tcp;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells the connections that have sent no complete line for the idle timeout that their time is up. One clock per
 * event loop, not a timer per connection: it looks at every connection of its loop each tenth of the timeout (at
 * least every 10 ms, at most every second), so a connection is told between the timeout and a tenth of it later. Only
 * a terminated line counts (the connection's owner says when one came, {@link #lineCame}): a client dripping a byte
 * every few seconds (slowloris), or one that sends half a line and waits, times out on the same clock as a silent
 * one. Netty's IdleStateHandler counts reads of any bytes instead, and keeps a timer per connection.
 *
 * <p>The clock keeps its connections in a table, a slot each (the owner and the time of its last line, in two arrays):
 * no object per connection beyond its owner, which is told its slot.
 *
 * <p>Everything but {@link PerLoop#forLoop} runs on the event loop.
 */
final class IdleTimeouts {
    private static final int FIRST_CAPACITY = 16;

    private final EventLoop loop;
    private final long timeoutNanos;
    private final long periodNanos;
    private Watched[] watched = new Watched[FIRST_CAPACITY];
    private long[] lastLineNanos = new long[FIRST_CAPACITY];
    private int size;
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

    /** A connection on the clock: its owner. */
    interface Watched {
        /** Its time is up; it is off the clock already. */
        void idleTimedOut();

        /** Its slot is now {@code slot} (another's last place, as one left), or -1: off the clock. */
        void movedToIdleSlot(int slot);
    }

    private IdleTimeouts(EventLoop loop, Duration timeout) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        this.periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(TimeUnit.SECONDS.toNanos(1), timeoutNanos / 10));
    }

    /** Puts a connection on the clock, which starts now, and tells it its slot. */
    void watch(Watched owner) {
        if (size == watched.length) {
            watched = Arrays.copyOf(watched, size * 2);
            lastLineNanos = Arrays.copyOf(lastLineNanos, size * 2);
        }
        watched[size] = owner;
        lastLineNanos[size] = loop.ticker().nanoTime();
        owner.movedToIdleSlot(size++);
        if (sweep == null) {
            sweep = loop.scheduleAtFixedRate(this::sweep, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A complete line came on the connection in {@code slot}: its clock starts again. */
    void lineCame(int slot) {
        lastLineNanos[slot] = loop.ticker().nanoTime();
    }

    /** Takes the connection in {@code slot} off the clock, in constant time: the last one moves into its place. */
    void forget(int slot) {
        Watched leaving = watched[slot];
        int last = --size;
        if (slot != last) {
            watched[slot] = watched[last];
            lastLineNanos[slot] = lastLineNanos[last];
            watched[slot].movedToIdleSlot(slot);
        }
        watched[last] = null;
        leaving.movedToIdleSlot(-1);
        if (size == 0 && sweep != null) {
            sweep.cancel(false); // an idle loop keeps no timer
            sweep = null;
        }
    }

    private void sweep() {
        long now = loop.ticker().nanoTime();
        // From the end: a timed-out connection is forgotten on the spot, and the last one moves into its place.
        for (int i = size - 1; i >= 0; i--) {
            if (now - lastLineNanos[i] >= timeoutNanos) {
                Watched owner = watched[i];
                forget(i);
                owner.idleTimedOut();
            }
        }
    }
}
