package dev.uppercase.server.tls;

import dev.uppercase.server.access.ClientAddress;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.ops.WarningThrottle;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Right after the SslHandler, turns TLS events into the line protocol's: the client's close_notify ends its input
 * (like a half-close over plain TCP: the partial line is answered, then the connection closes), and a failed handshake
 * is counted and logged (throttled) rather than passed on as an error of the connection: once, whether the client
 * spoke plain text ({@link TlsRequiredHandler#PLAIN_TEXT}, and the handshake then fails as the connection closes) or a
 * TLS the server would not take.
 *
 * <p>Stateful: one instance per channel.
 */
public final class TlsSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsSessionHandler.class);

    private final SslHandler ssl;
    private final ServerStats stats;
    private final WarningThrottle warning;
    private boolean inputEnded;
    private boolean failureCounted;

    /** @param ssl the connection's SslHandler, just before this one */
    public TlsSessionHandler(SslHandler ssl, ServerStats stats, WarningThrottle warning) {
        this.ssl = ssl;
        this.stats = stats;
        this.warning = warning;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == TlsRequiredHandler.PLAIN_TEXT) {
            failed(ctx, "plain text on the TLS port from {}: answered and closed");
            return;
        }
        if (evt instanceof SslHandshakeCompletionEvent && !((SslHandshakeCompletionEvent) evt).isSuccess()) {
            failed(ctx, "TLS handshake with {} failed: {}", ((SslHandshakeCompletionEvent) evt).cause().getMessage());
            return; // the SslHandler closes the connection
        }
        if (evt instanceof SslHandshakeCompletionEvent && log.isDebugEnabled()) {
            SSLSession session = ssl.engine().getSession();
            log.debug("TLS connection from {}: {} {}", ClientAddress.of(ctx.channel()), session.getProtocol(),
                    session.getCipherSuite());
        }
        if (evt instanceof SslCloseCompletionEvent || evt instanceof ChannelInputShutdownEvent) {
            // close_notify, then the FIN that follows it: the input ends once.
            if (!inputEnded && (evt instanceof ChannelInputShutdownEvent
                    || ((SslCloseCompletionEvent) evt).isSuccess())) {
                inputEnded = true;
                ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void failed(ChannelHandlerContext ctx, String format, Object... details) {
        if (failureCounted) {
            return;
        }
        failureCounted = true;
        stats.add(Counter.TLS_FAILED);
        Object[] args = new Object[details.length + 1];
        args[0] = ClientAddress.of(ctx.channel());
        System.arraycopy(details, 0, args, 1, details.length);
        warning.warn(format, args);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ssl.handshakeFuture().isSuccess()) {
            ctx.close(); // already counted and logged by its handshake event
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
