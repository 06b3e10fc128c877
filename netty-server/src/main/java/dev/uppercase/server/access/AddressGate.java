package dev.uppercase.server.access;

import dev.uppercase.server.config.AddressFilter;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.ops.WarningThrottle;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's allow/deny ranges at a connection's door: a refused client is closed without a reply, counted, and
 * logged at most once per 10 s. It goes by the {@link ClientAddress}, so behind a listed proxy it is the client behind
 * it that is refused, once its PROXY protocol header has said who that is.
 */
public final class AddressGate {
    private static final Logger log = LoggerFactory.getLogger(AddressGate.class);

    private final AddressFilter filter;
    private final ServerStats stats;
    private final WarningThrottle refusedWarning = new WarningThrottle(log, Duration.ofSeconds(10));

    public AddressGate(AddressFilter filter, ServerStats stats) {
        this.filter = filter;
        this.stats = stats;
    }

    /** True, and {@code ch} closed unanswered, if its client may not connect. */
    public boolean refuses(Channel ch) {
        SocketAddress client = ClientAddress.of(ch);
        if (filter.isOpen() || !(client instanceof InetSocketAddress inet) || filter.accepts(inet)) {
            return false;
        }
        stats.add(Counter.CONNECTIONS_FILTERED);
        refusedWarning.warn("refused a connection from {}: not allowed ({})", client, filter);
        ch.close();
        return true;
    }
}
