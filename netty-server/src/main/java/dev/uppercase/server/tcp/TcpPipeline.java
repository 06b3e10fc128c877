package dev.uppercase.server.tcp;

import dev.uppercase.server.linger.LingeringClose;
import dev.uppercase.server.ops.ServerStats;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The shape of a TCP connection's pipeline: the name of every handler it can hold, in the order bytes pass them, and
 * the changes made to it once the connection runs. {@link TcpServerInitializer} builds it; a change after that (by
 * {@link ConnectionLifecycle}, which owns the connection's life) goes through here, so no handler looks another up by
 * name or class.
 *
 * <pre>
 * proxy-header  HAProxyMessageDecoder    from a --proxy-protocol-from proxy: its PROXY header, first (then gone)
 * proxy-client  ProxyProtocolHandler     the client's address from it; then the rest is added (and this goes)
 * drain         DrainHandler             added first when the server stops or closes: discards what the client sends
 * tls-required  TlsRequiredHandler       TLS listener: plain text gets one error line
 * ssl           SslHandler               TLS listener
 * tls-session   TlsSessionHandler        TLS listener: logs the session, counts failures, close_notify ends input
 * backpressure  BackpressureHandler      added once the client first falls behind: holds reads while it does
 * framer        LineFrameDecoder         lines, the limit, partial lines; the bytes read
 * decoder       StringDecoder            UTF-8
 * uppercase     UppercaseHandler         the replies, written in batches, and their bytes counted
 * connection    ConnectionLifecycle      admission, the idle clock, half-close, drain, errors, the close; counts
 *                                        the bytes read, once per batch
 * </pre>
 *
 * Before any of these but the PROXY header's two, a client --allow/--deny refuses is closed unanswered (AddressGate),
 * and one over the connection limit or its source's is turned away with one line (ConnectionLifecycle.Shared).
 */
public final class TcpPipeline {
    public static final String PROXY_HEADER = "proxy-header";
    public static final String PROXY_CLIENT = "proxy-client";
    public static final String DRAIN = LingeringClose.DRAIN;
    public static final String TLS_REQUIRED = "tls-required";
    public static final String SSL = "ssl";
    public static final String TLS_SESSION = "tls-session";
    public static final String BACKPRESSURE = "backpressure";
    public static final String FRAMER = "framer";
    public static final String DECODER = "decoder";
    public static final String UPPERCASE = "uppercase";
    public static final String CONNECTION = "connection";

    private TcpPipeline() {}

    /** From now on the connection's reads are held while the client is not reading its replies. */
    static BackpressureHandler addBackpressure(ChannelPipeline p, ServerStats stats) {
        BackpressureHandler backpressure = new BackpressureHandler(stats);
        p.addBefore(FRAMER, BACKPRESSURE, backpressure);
        return backpressure;
    }

    /**
     * Ends the connection's input as a half-close would, behind what it has read (a read held by backpressure, a
     * partial line in the framer: all are answered), and discards whatever the client sends after that.
     */
    static void drain(ChannelPipeline p) {
        LingeringClose.discardInput(p);
        p.context(DRAIN).fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    /** The connection's owner, or null if it has none (turned away, or closed and taken down). */
    static ConnectionLifecycle lifecycle(ChannelPipeline p) {
        return (ConnectionLifecycle) p.get(CONNECTION);
    }

    /**
     * Lets go of what the connection holds of its input, at once: its partial line (the framer goes, and with it its
     * buffer) and the reads held back from it. For a connection closed to bring the memory budget back.
     */
    static void dropHeldInput(ChannelPipeline p) {
        // The framer hands on what it held as it goes: with the decoder gone first, as bytes, not decoded for nothing.
        for (String name : new String[] {BACKPRESSURE, DECODER, FRAMER}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }

    /** No line is answered any more: what is still read reaches the connection's owner, which drops it. */
    static void stopAnswering(ChannelPipeline p) {
        if (p.get(UPPERCASE) != null) {
            p.remove(UPPERCASE);
        }
    }
}
