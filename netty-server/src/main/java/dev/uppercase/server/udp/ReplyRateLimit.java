package dev.uppercase.server.udp;

import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * At most {@code rate} units per second of UDP replies to any one source address (replies, or their bytes), in bursts
 * of up to a second's worth: what bounds the traffic a spoofed flood can reflect at a victim through this server.
 *
 * <p>The generic cell rate algorithm (a token bucket kept as one timestamp) over a fixed table of 16,384 slots, shared
 * by every UDP socket and updated lock-free. Memory stays 128 KiB however many sources there are, which a table keyed
 * by address could not promise under a flood of spoofed ones; the price is that sources hashed to the same slot share
 * its budget. The hash is seeded per process, so no sender can aim its own traffic at another source's slot.
 */
final class ReplyRateLimit {
    static final int SLOTS = 1 << 14;

    private static final long SECOND = 1_000_000_000L;

    private final long ratePerSecond;
    private final LongSupplier clock;
    private final long origin;
    private final int seed = ThreadLocalRandom.current().nextInt();
    /** Per slot: the theoretical arrival time of its next reply, in nanoseconds since {@code origin}; 0 is "now". */
    private final AtomicLongArray next = new AtomicLongArray(SLOTS);

    ReplyRateLimit(long ratePerSecond) {
        this(ratePerSecond, System::nanoTime);
    }

    ReplyRateLimit(long ratePerSecond, LongSupplier clock) {
        this.ratePerSecond = ratePerSecond;
        this.clock = clock;
        this.origin = clock.getAsLong();
    }

    /** True, and one unit counted against {@code source}, if it may be answered now. */
    boolean tryAcquire(InetAddress source) {
        return tryAcquire(source, 1);
    }

    /**
     * True, and {@code units} counted against {@code source}, if they fit in what it may have now: a second's worth,
     * less what it had in the last second.
     */
    boolean tryAcquire(InetAddress source, long units) {
        long cost = units * SECOND / ratePerSecond; // units are at most a datagram's bytes: no overflow
        int slot = slot(source);
        long now = clock.getAsLong() - origin;
        while (true) {
            long due = next.get(slot);
            long start = Math.max(due, now);
            if (start + cost - now > SECOND) {
                return false;
            }
            if (next.compareAndSet(slot, due, start + cost)) {
                return true;
            }
        }
    }

    int slot(InetAddress source) {
        int h = source.hashCode() ^ seed; // IPv4: the address itself; IPv6: a hash of all 16 bytes
        h *= 0x9E3779B9; // then spread, so neighbouring addresses land far apart
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
