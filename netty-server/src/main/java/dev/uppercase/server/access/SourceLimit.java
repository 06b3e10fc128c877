package dev.uppercase.server.access;

import dev.uppercase.server.config.AddressRanges;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.ops.WarningThrottle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most connections one source may have open at once, so that one address cannot take every place under the
 * connection limit: an IPv4 address counts on its own, an IPv6 address with the rest of its /64 (one host is
 * usually given a whole /64, and can take any address in it). Sources in the exempt ranges, and every source when the
 * limit is 0, are not counted. Only sources with a connection open are kept: at most one entry per connection.
 */
public final class SourceLimit {
    private static final Logger log = LoggerFactory.getLogger(SourceLimit.class);

    private final int max;
    private final AddressRanges exempt;
    private final ServerStats stats;
    private final ConcurrentHashMap<Source, Integer> open = new ConcurrentHashMap<>();
    private final WarningThrottle refusedWarning = new WarningThrottle(log, Duration.ofSeconds(10));

    /** An IPv4 address, or an IPv6 /64. */
    private record Source(boolean v6, long bits) {
        static Source of(InetAddress address) {
            byte[] bytes = address.getAddress();
            return address instanceof Inet4Address ? new Source(false, ByteBuffer.wrap(bytes).getInt() & 0xFFFFFFFFL)
                    : new Source(true, ByteBuffer.wrap(bytes).getLong());
        }
    }

    /** @param max most connections per source; 0: no limit */
    public SourceLimit(int max, AddressRanges exempt, ServerStats stats) {
        this.max = max;
        this.exempt = exempt;
        this.stats = stats;
    }

    public int max() {
        return max;
    }

    /**
     * Holds a place for a connection from {@code client}, which {@link #release} gives back; false, holding nothing,
     * when its source has every place it may (the refusal is then counted and logged).
     */
    public boolean tryOpen(SocketAddress client) {
        Source source = counted(client);
        if (source == null) {
            return true;
        }
        boolean[] admitted = {false};
        open.compute(source, (s, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (!admitted[0]) {
            stats.add(Counter.CONNECTIONS_REJECTED_PER_SOURCE);
            refusedWarning.warn("refused a connection from {}: its address has {} open, the most one source may",
                    client, max);
        }
        return admitted[0];
    }

    /** Gives back the place {@link #tryOpen} took for {@code client}. */
    public void release(SocketAddress client) {
        Source source = counted(client);
        if (source != null) {
            open.computeIfPresent(source, (s, n) -> n == 1 ? null : n - 1);
        }
    }

    /** How many sources have a connection open now. */
    int sources() {
        return open.size();
    }

    private Source counted(SocketAddress client) {
        if (max == 0 || !(client instanceof InetSocketAddress inet) || inet.getAddress() == null
                || exempt.contains(inet)) {
            return null;
        }
        return Source.of(inet.getAddress());
    }
}
