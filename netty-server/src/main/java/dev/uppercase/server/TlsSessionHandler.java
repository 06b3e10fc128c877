package dev.uppercase.server;

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
 * is counted and logged (throttled) rather than passed on as an error of the connection.
 *
 * <p>Stateful: one instance per channel.
 */
final class TlsSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsSessionHandler.class);

    private final ServerStats stats;
    private final WarningThrottle warning;
    private boolean inputEnded;

    TlsSessionHandler(ServerStats stats, WarningThrottle warning) {
        this.stats = stats;
        this.warning = warning;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent && !((SslHandshakeCompletionEvent) evt).isSuccess()) {
            stats.countTlsFailure();
            warning.warn("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(),
                    ((SslHandshakeCompletionEvent) evt).cause().getMessage());
            return; // the SslHandler closes the connection
        }
        if (evt instanceof SslHandshakeCompletionEvent && log.isDebugEnabled()) {
            SSLSession session = ((SslHandler) ctx.pipeline().get(TcpHandlerNames.SSL)).engine().getSession();
            log.debug("TLS connection from {}: {} {}", ctx.channel().remoteAddress(), session.getProtocol(),
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

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SslHandler ssl = (SslHandler) ctx.pipeline().get(TcpHandlerNames.SSL);
        if (ssl != null && !ssl.handshakeFuture().isSuccess()) {
            ctx.close(); // already counted and logged by its handshake event
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
