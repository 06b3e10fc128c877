package dev.uppercase.server.ops;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of what the server has done and refused, one per {@link Counter}: added to by the handlers (per
 * connection, per read batch or per datagram, never per line), read by the metrics endpoint and the tests.
 */
public final class ServerStats {
    private final LongAdder[] counts = new LongAdder[Counter.values().length];
    private final AtomicLong peakPendingOutboundBytes = new AtomicLong();

    public ServerStats() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void add(Counter counter) {
        counts[counter.ordinal()].increment();
    }

    public void add(Counter counter, long n) {
        counts[counter.ordinal()].add(n);
    }

    public long get(Counter counter) {
        return counts[counter.ordinal()].sum();
    }

    /** Counts a decoded line or datagram that holds U+FFFD. O(1) for Latin-1 text, which cannot hold it. */
    public void noteDecoded(String text) {
        if (text.indexOf('\uFFFD') >= 0) {
            add(Counter.DECODE_REPLACED);
        }
    }

    /** Notes how many reply bytes wait for {@code ch}'s client, when it has stopped reading them. */
    public void recordPendingOutbound(Channel ch) {
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        if (buffer != null) {
            peakPendingOutboundBytes.accumulateAndGet(buffer.totalPendingWriteBytes(), Math::max);
        }
    }

    /** The most reply bytes ever queued for one connection that was not reading them (0 if none ever filled up). */
    public long peakPendingOutboundBytes() {
        return peakPendingOutboundBytes.get();
    }
}
