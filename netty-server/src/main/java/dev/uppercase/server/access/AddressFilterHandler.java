package dev.uppercase.server.access;

import dev.uppercase.server.config.AddressFilter;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.ops.WarningThrottle;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ipfilter.AbstractRemoteAddressFilter;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's remote-address filter, on the server's allow/deny ranges: a refused TCP client is closed without a reply
 * (Netty closes it on rejection), counted, and logged at most once per 10 s.
 */
@Sharable
public final class AddressFilterHandler extends AbstractRemoteAddressFilter<InetSocketAddress> {
    private static final Logger log = LoggerFactory.getLogger(AddressFilterHandler.class);

    private final AddressFilter filter;
    private final ServerStats stats;
    private final WarningThrottle refusedWarning = new WarningThrottle(log, Duration.ofSeconds(10));

    public AddressFilterHandler(AddressFilter filter, ServerStats stats) {
        this.filter = filter;
        this.stats = stats;
    }

    @Override
    protected boolean accept(ChannelHandlerContext ctx, InetSocketAddress remoteAddress) {
        return filter.accepts(remoteAddress);
    }

    @Override
    protected ChannelFuture channelRejected(ChannelHandlerContext ctx, InetSocketAddress remoteAddress) {
        stats.add(Counter.CONNECTIONS_FILTERED);
        refusedWarning.warn("refused a connection from {}: not allowed ({})", remoteAddress, filter);
        return null; // closed without a word
    }
}
