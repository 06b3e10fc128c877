package dev.uppercase.server.udp;

import dev.uppercase.codec.EmptyDatagrams;
import dev.uppercase.codec.Uppercase;
import dev.uppercase.server.config.AddressFilter;
import dev.uppercase.server.config.AddressRanges;
import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.OutOfMemory;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.ops.WarningThrottle;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each datagram with its upper case, to the sender's address and port. A datagram from a filtered source, or
 * over the maximum size, or over its source's reply rate, is dropped, and so is a reply that would be over the maximum
 * size or its source's reply bytes; each is counted and logged (rate-limited), and serving goes on. The reply bytes
 * are counted as they go on the wire, headers included, so that a flood of empty datagrams is held to them too.
 */
@Sharable
final class DatagramUppercaseHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger log = LoggerFactory.getLogger(DatagramUppercaseHandler.class);
    private static final int IPV4_UDP_HEADERS = 20 + 8;
    private static final int IPV6_UDP_HEADERS = 40 + 8;

    private final int maxDatagramSize;
    private final AddressFilter addressFilter;
    private final int replyRate;
    private final ReplyRateLimit rateLimit;
    private final long replyBytesPerSecond;
    private final ReplyRateLimit bytesLimit;
    private final AddressRanges exempt;
    private final ServerStats stats;
    // One throttle per kind, so that "and 9 more like it" counts drops of one kind.
    private final WarningThrottle filteredWarning = throttle();
    private final WarningThrottle rateLimitedWarning = throttle();
    private final WarningThrottle bytesLimitedWarning = throttle();
    private final WarningThrottle tooLargeWarning = throttle();
    private final WarningThrottle replyTooLargeWarning = throttle();
    private final WarningThrottle errorWarning = throttle();

    DatagramUppercaseHandler(ServerSettings settings, ServerStats stats) {
        this.maxDatagramSize = settings.maxDatagramSize();
        this.addressFilter = settings.addressFilter();
        this.replyRate = settings.udpReplyRate();
        this.rateLimit = replyRate == 0 ? null : new ReplyRateLimit(replyRate);
        this.replyBytesPerSecond = settings.udpReplyBytes();
        this.bytesLimit = replyBytesPerSecond == 0 ? null : new ReplyRateLimit(replyBytesPerSecond);
        this.exempt = settings.udpReplyExempt();
        this.stats = stats;
    }

    private static WarningThrottle throttle() {
        return new WarningThrottle(log, Duration.ofSeconds(10));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket request) throws IOException {
        stats.add(Counter.DATAGRAMS_IN);
        if (!addressFilter.accepts(request.sender())) {
            stats.add(Counter.DATAGRAMS_FILTERED); // never answered: no reply to a source that is filtered
            filteredWarning.warn("dropped a datagram from {}: not allowed ({})", request.sender(), addressFilter);
            return;
        }
        boolean limited = (rateLimit != null || bytesLimit != null) && !exempt.contains(request.sender());
        if (limited && rateLimit != null && !rateLimit.tryAcquire(request.sender().getAddress())) {
            stats.add(Counter.DATAGRAMS_RATE_LIMITED);
            rateLimitedWarning.warn("dropped a datagram from {}: over {} replies per second to one address",
                    request.sender(), replyRate);
            return;
        }
        ByteBuf content = request.content();
        if (!content.isReadable()) {
            if (limited && !withinReplyBytes(request, 0)) {
                return;
            }
            EmptyDatagrams.send(ctx.channel(), request.sender());
            stats.add(Counter.DATAGRAMS_OUT);
            return;
        }
        if (content.readableBytes() > maxDatagramSize) {
            stats.add(Counter.DATAGRAMS_TOO_LARGE);
            tooLargeWarning.warn("dropped a datagram from {} over {} bytes", request.sender(), maxDatagramSize);
            return;
        }
        String text = content.toString(Uppercase.CHARSET);
        stats.noteDecoded(text);
        ByteBuf out = ctx.alloc().ioBuffer(content.readableBytes()); // direct, as the socket sends it: no copy
        int replyBytes = Uppercase.writeUtf8(out, text);
        if (replyBytes > maxDatagramSize) {
            out.release();
            stats.add(Counter.REPLIES_TOO_LARGE);
            replyTooLargeWarning.warn("no reply to {}: its upper case is {} bytes, over the {} byte limit",
                    request.sender(), replyBytes, maxDatagramSize);
            return;
        }
        if (limited && !withinReplyBytes(request, replyBytes)) {
            out.release();
            return;
        }
        ctx.write(new DatagramPacket(out, request.sender()), ctx.voidPromise());
        stats.add(Counter.DATAGRAMS_OUT);
    }

    /** Whether a reply of {@code payload} bytes fits in its source's reply bytes; counted and logged if not. */
    private boolean withinReplyBytes(DatagramPacket request, int payload) {
        InetAddress source = request.sender().getAddress();
        int onTheWire = payload + (source instanceof Inet4Address ? IPV4_UDP_HEADERS : IPV6_UDP_HEADERS);
        if (bytesLimit == null || bytesLimit.tryAcquire(source, onTheWire)) {
            return true;
        }
        stats.add(Counter.DATAGRAMS_BYTES_LIMITED);
        bytesLimitedWarning.warn("dropped a datagram from {}: its reply is over {} bytes per second to one address",
                request.sender(), replyBytesPerSecond);
        return false;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        OutOfMemory.exitIf(cause);
        // One sender's trouble (an ICMP error surfacing, a failed send) must not stop the socket serving everyone.
        errorWarning.warn("UDP error, still serving: {}", cause.toString());
    }
}
