package dev.uppercase.server;

import static dev.uppercase.server.TcpHandlerNames.BYTES;
import static dev.uppercase.server.TcpHandlerNames.DECODER;
import static dev.uppercase.server.TcpHandlerNames.FILTER;
import static dev.uppercase.server.TcpHandlerNames.FRAMER;
import static dev.uppercase.server.TcpHandlerNames.SSL;
import static dev.uppercase.server.TcpHandlerNames.TLS_REQUIRED;
import static dev.uppercase.server.TcpHandlerNames.TLS_SESSION;
import static dev.uppercase.server.TcpHandlerNames.UPPERCASE;

import dev.uppercase.cli.Durations;
import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.codec.LineFrameDecoder;
import dev.uppercase.codec.Uppercase;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP pipeline, in the order bytes flow: (on the TLS listener: TLS,) byte counts, (backpressure, once a client
 * falls behind,) framing, decoding, the transform (which writes the replies). A source that --allow/--deny refuses
 * is closed unanswered; a connection over the limit gets one line and is closed. The handlers' names, and the order
 * in one table, are in {@link TcpHandlerNames}.
 */
final class TcpServerInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(TcpServerInitializer.class);
    private static final StringDecoder DECODER = new StringDecoder(Uppercase.CHARSET);
    /** Replies go out in buffers of up to this many bytes: few system calls, little held back from backpressure. */
    static final int REPLY_CHUNK = 16 * 1024;

    private final ServerSettings settings;
    private final ChannelGroup connections;
    private final ServerStats stats;
    private final UppercaseHandler.Shared shared;
    private final IdleTimeouts.PerLoop idle;
    private final AddressFilterHandler addressFilter;
    private final ByteCounter byteCounter;
    private final byte[] tooManyConnectionsReply;
    private final ConnectionLimit limit;
    private final SslContext tls;
    private final TlsRequiredHandler tlsRequired;
    private final WarningThrottle tlsWarning = new WarningThrottle(log, Duration.ofSeconds(10));

    /** @param tls the TLS listener's context; null for the plain TCP listener */
    TcpServerInitializer(ServerSettings settings, ChannelGroup connections, ServerStats stats, ConnectionLimit limit,
            SslContext tls) {
        this.settings = settings;
        this.connections = connections;
        this.stats = stats;
        this.limit = limit;
        this.tls = tls;
        this.tlsRequired = tls == null ? null : new TlsRequiredHandler(stats, tlsWarning);
        this.shared = new UppercaseHandler.Shared(settings.maxLineLength(), stats, limit);
        this.idle = settings.idleTimeout().isZero() ? null : new IdleTimeouts.PerLoop(settings.idleTimeout());
        this.byteCounter = new ByteCounter(stats);
        this.addressFilter = settings.addressFilter().isOpen() ? null
                : new AddressFilterHandler(settings.addressFilter(), stats);
        this.tooManyConnectionsReply = ErrorReplies.tooManyConnections(limit.max()).getBytes(Uppercase.CHARSET);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (addressFilter != null && !settings.addressFilter().accepts(ch.remoteAddress())) {
            p.addLast(FILTER, addressFilter); // closes it unanswered; it never counts as opened or against the limit
            return;
        }
        if (tls != null) {
            p.addLast(TLS_REQUIRED, tlsRequired);
            p.addLast(SSL, newSslHandler(ch));
            p.addLast(TLS_SESSION, new TlsSessionHandler(stats, tlsWarning));
        }
        if (!limit.tryOpen(ch)) { // counted and logged by the limit
            ch.writeAndFlush(Unpooled.wrappedBuffer(tooManyConnectionsReply)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        opened(ch);
        addServingHandlers(p);
    }

    /** The handlers that answer a connection's lines, after admission (and TLS): the pipeline every line passes. */
    void addServingHandlers(ChannelPipeline p) {
        p.addLast(BYTES, byteCounter);
        p.addLast(FRAMER, LineFrameDecoder.runsOfLines(settings.maxLineLength(), settings.quietPeriod()));
        p.addLast(DECODER, DECODER);
        p.addLast(UPPERCASE, new UppercaseHandler(shared, REPLY_CHUNK,
                idle == null ? null : idle.forLoop(p.channel().eventLoop())));
    }

    private SslHandler newSslHandler(SocketChannel ch) {
        SslHandler ssl = tls.newHandler(ch.alloc());
        ssl.setHandshakeTimeoutMillis(settings.tls().handshakeTimeout().toMillis());
        return ssl;
    }

    /** An admitted connection: one the drain will walk, counted, and (at debug) logged when it opens and closes. */
    private void opened(SocketChannel ch) {
        connections.add(ch);
        stats.countConnectionOpened();
        if (!log.isDebugEnabled()) {
            return;
        }
        long openedNanos = System.nanoTime();
        InetSocketAddress remote = ch.remoteAddress();
        String listener = tls == null ? "TCP" : "TLS";
        log.debug("{} connection from {} opened ({} open)", listener, remote, connections.size());
        ch.closeFuture().addListener(f -> log.debug("{} connection from {} closed after {}", listener, remote,
                Durations.format(Duration.ofNanos(System.nanoTime() - openedNanos))));
    }
}
