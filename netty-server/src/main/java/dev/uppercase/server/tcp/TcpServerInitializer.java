package dev.uppercase.server.tcp;

import static dev.uppercase.server.tcp.TcpPipeline.CONNECTION;
import static dev.uppercase.server.tcp.TcpPipeline.DECODER;
import static dev.uppercase.server.tcp.TcpPipeline.FRAMER;
import static dev.uppercase.server.tcp.TcpPipeline.PROXY_CLIENT;
import static dev.uppercase.server.tcp.TcpPipeline.PROXY_HEADER;
import static dev.uppercase.server.tcp.TcpPipeline.SSL;
import static dev.uppercase.server.tcp.TcpPipeline.TLS_REQUIRED;
import static dev.uppercase.server.tcp.TcpPipeline.TLS_SESSION;
import static dev.uppercase.server.tcp.TcpPipeline.UPPERCASE;

import dev.uppercase.codec.LineFrameDecoder;
import dev.uppercase.codec.Uppercase;
import dev.uppercase.server.access.AddressGate;
import dev.uppercase.server.access.ConnectionLimit;
import dev.uppercase.server.access.ProxyProtocolHandler;
import dev.uppercase.server.access.SourceLimit;
import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.ops.WarningThrottle;
import dev.uppercase.server.tls.TlsRequiredHandler;
import dev.uppercase.server.tls.TlsSessionHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP pipeline, in the order bytes flow: (on the TLS listener: TLS,) (backpressure, once a client falls behind,)
 * framing, decoding, the transform (which writes the replies), and last the connection's owner
 * (admission, the idle clock, half-close, drain, errors). A source that --allow/--deny refuses is closed unanswered; a
 * connection over the limit, or its source's, gets one line and is closed. A connection from a listed proxy first
 * has its PROXY protocol header read, and is then served as its client's. The handlers' names, and the order in one
 * table, are in {@link TcpPipeline}.
 */
public final class TcpServerInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(TcpServerInitializer.class);
    private static final StringDecoder STRING_DECODER = new StringDecoder(Uppercase.CHARSET);
    /** Replies go out in buffers of up to this many bytes: few system calls, little held back from backpressure. */
    public static final int REPLY_CHUNK = 16 * 1024;

    private final ServerSettings settings;
    private final ServerStats stats;
    private final UppercaseHandler.Shared answering;
    private final ConnectionLifecycle.Shared connections;
    private final IdleTimeouts.PerLoop idle;
    private final AddressGate addressGate;
    private final WarningThrottle proxyWarning = ProxyProtocolHandler.newWarning();
    private final SslContext tls;
    private final TlsRequiredHandler tlsRequired;
    private final WarningThrottle tlsWarning = new WarningThrottle(log, Duration.ofSeconds(10));

    /**
     * @param connections where admitted connections go, for the drain to walk
     * @param tls the TLS listener's context; null for the plain TCP listener
     */
    public TcpServerInitializer(ServerSettings settings, ChannelGroup connections, ServerStats stats,
            ConnectionLimit limit, SourceLimit sources, MemoryBudget budget, SslContext tls) {
        this.settings = settings;
        this.stats = stats;
        this.tls = tls;
        this.tlsRequired = tls == null ? null : new TlsRequiredHandler();
        this.answering = new UppercaseHandler.Shared(settings.maxLineLength(), REPLY_CHUNK, stats);
        this.connections = new ConnectionLifecycle.Shared(stats, limit, sources, budget, connections, tls != null,
                settings.idleTimeout(), settings.lingerTimeout());
        this.idle = settings.idleTimeout().isZero() ? null : new IdleTimeouts.PerLoop(settings.idleTimeout());
        this.addressGate = new AddressGate(settings.addressFilter(), stats);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (settings.proxyProtocolFrom().contains(ch.remoteAddress())) {
            // Never optional for a listed proxy: a client's short line is never taken for the start of a header.
            ch.pipeline().addLast(PROXY_HEADER, new HAProxyMessageDecoder())
                    .addLast(PROXY_CLIENT, new ProxyProtocolHandler(settings.proxyProtocolTimeout(), this::serve,
                            proxyWarning));
            return;
        }
        serve(ch);
    }

    /** What a connection gets once the client it serves is known: the gate, admission, then its pipeline. */
    private void serve(Channel ch) {
        if (addressGate.refuses(ch)) { // closed unanswered: it never counts as opened or against the limit
            return;
        }
        if (!connections.admit(ch)) {
            return;
        }
        ChannelPipeline p = ch.pipeline();
        SslHandler ssl = null;
        if (tls != null) {
            ssl = newSslHandler(ch);
            p.addLast(TLS_REQUIRED, tlsRequired);
            p.addLast(SSL, ssl);
            p.addLast(TLS_SESSION, new TlsSessionHandler(ssl, stats, tlsWarning));
        }
        addServingHandlers(p, ssl);
    }

    /**
     * The handlers that answer an admitted connection's lines, after TLS, and its owner: the pipeline every line
     * passes. {@code ssl} is the connection's SslHandler, or null.
     */
    void addServingHandlers(ChannelPipeline p, SslHandler ssl) {
        LineFrameDecoder framer = LineFrameDecoder.runsOfLines(settings.maxLineLength(), settings.quietPeriod());
        p.addLast(FRAMER, framer);
        p.addLast(DECODER, STRING_DECODER);
        p.addLast(UPPERCASE, new UppercaseHandler(answering));
        p.addLast(CONNECTION, new ConnectionLifecycle(connections,
                idle == null ? null : idle.forLoop(p.channel().eventLoop()), ssl, framer));
    }

    private SslHandler newSslHandler(Channel ch) {
        SslHandler ssl = tls.newHandler(ch.alloc());
        ssl.setHandshakeTimeoutMillis(settings.tls().handshakeTimeout().toMillis());
        return ssl;
    }
}
