package dev.uppercase.server;

import dev.uppercase.codec.LineFraming;
import dev.uppercase.codec.Uppercase;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each decoded line (terminator included, so the reply keeps it) with its upper case. Writes per line, flushes
 * once per read batch. A line over the limit is answered with the documented error line, in its place, and the
 * connection goes on. When the peer half-closes (or the server drains), the replies are flushed and the connection
 * closed.
 */
@Sharable
final class UppercaseHandler extends SimpleChannelInboundHandler<String> {
    private static final Logger log = LoggerFactory.getLogger(UppercaseHandler.class);

    private final String lineTooLongReply;
    private final ServerStats stats;
    private final WarningThrottle tooLongWarning = new WarningThrottle(log, Duration.ofSeconds(10));

    UppercaseHandler(ServerSettings settings, ServerStats stats) {
        this.lineTooLongReply = LineFraming.lineTooLongReply(settings.maxLineLength());
        this.stats = stats;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
        stats.linesReceived.increment();
        stats.noteDecoded(line);
        ctx.write(Uppercase.apply(line), ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    /**
     * The end of this connection's input: every line before it has been answered. If the client ended it (a FIN, or
     * TLS close_notify), close once the replies are written. If the server is draining, end only the output: the client
     * reads every reply, then end of stream, and the DrainHandler closes when the client does.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ChannelFuture written = ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
            if (ctx.pipeline().get(DrainHandler.class) != null && ctx.channel() instanceof DuplexChannel
                    && !((DuplexChannel) ctx.channel()).isInputShutdown()) {
                written.addListener(f -> endOutput((DuplexChannel) ctx.channel()));
            } else {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Half-closes; over TLS, says close_notify first, so the client can tell the end from a truncation. */
    private static void endOutput(DuplexChannel ch) {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        ChannelFuture notified = ssl == null ? ch.newSucceededFuture() : ssl.closeOutbound();
        notified.addListener(f -> ch.shutdownOutput());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            stats.linesTooLong.increment();
            tooLongWarning.warn("line too long from {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
            ctx.writeAndFlush(lineTooLongReply, ctx.voidPromise());
            return;
        }
        if (cause instanceof IOException) {
            log.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
        }
        ctx.close();
    }
}
