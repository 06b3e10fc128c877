package dev.uppercase.server.udp;

import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * At most {@code rate} UDP replies per second to any one source address, in bursts of up to {@code rate}: what bounds
 * the traffic a spoofed flood can reflect at a victim through this server.
 *
 * <p>The generic cell rate algorithm (a token bucket kept as one timestamp) over a fixed table of 16,384 slots, shared
 * by every UDP socket and updated lock-free. Memory stays 128 KiB however many sources there are, which a table keyed
 * by address could not promise under a flood of spoofed ones; the price is that sources hashed to the same slot share
 * its budget. The hash is seeded per process, so no sender can aim its own traffic at another source's slot.
 */
final class ReplyRateLimit {
    static final int SLOTS = 1 << 14;

    private final long intervalNanos;
    private final long toleranceNanos;
    private final LongSupplier clock;
    private final long origin;
    private final int seed = ThreadLocalRandom.current().nextInt();
    /** Per slot: the theoretical arrival time of its next reply, in nanoseconds since {@code origin}; 0 is "now". */
    private final AtomicLongArray next = new AtomicLongArray(SLOTS);

    ReplyRateLimit(int ratePerSecond) {
        this(ratePerSecond, System::nanoTime);
    }

    ReplyRateLimit(int ratePerSecond, LongSupplier clock) {
        this.intervalNanos = 1_000_000_000L / ratePerSecond;
        this.toleranceNanos = intervalNanos * (ratePerSecond - 1); // a full second's worth at once
        this.clock = clock;
        this.origin = clock.getAsLong();
    }

    /** True, and one reply counted against {@code source}, if it may be answered now. */
    boolean tryAcquire(InetAddress source) {
        int slot = slot(source);
        long now = clock.getAsLong() - origin;
        while (true) {
            long due = next.get(slot);
            long start = Math.max(due, now);
            if (start - now > toleranceNanos) {
                return false;
            }
            if (next.compareAndSet(slot, due, start + intervalNanos)) {
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
