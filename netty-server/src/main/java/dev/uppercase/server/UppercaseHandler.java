package dev.uppercase.server;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.codec.Uppercase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
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
 * Answers each decoded frame (a line, or a run of complete lines, terminators included so the replies keep them) with
 * its upper case, written as UTF-8 straight into one reply buffer per read batch: no second {@code String}, no buffer
 * or outbound entry per line. The buffer goes out at the end of the batch, or as soon as it holds {@link #chunk}
 * bytes, so the connection's writability (and the backpressure that watches it) sees the replies at most one chunk
 * late. A line over the limit is answered, in its place, with the documented error line, and the connection goes on.
 * When the peer half-closes (or the server drains), the replies are flushed and the connection closed. Counters are
 * added once per batch, and the time of the last complete line is kept for {@link IdleTimeouts}.
 *
 * <p>Stateful: one instance per channel.
 */
final class UppercaseHandler extends SimpleChannelInboundHandler<String> {
    private static final Logger log = LoggerFactory.getLogger(UppercaseHandler.class);

    private final Shared shared;
    private final int chunk;
    private final IdleTimeouts idle;
    private ChannelHandlerContext ctx;
    private ByteBuf reply;
    private boolean removed;
    /** An unexpected error has ended this connection: it closes once its replies and the error line are out. */
    private boolean failed;
    private int linesInBatch;
    private int replacedInBatch;
    private boolean completeLineInBatch;
    /** When this connection last sent a complete line; read by its event loop's {@link IdleTimeouts}. */
    long lastLineNanos;
    /** This connection's place in its event loop's {@link IdleTimeouts}, or -1. */
    int idleIndex = -1;

    /**
     * What the handlers of every connection share: where the counts go, the error line and its log throttle, and the
     * connection limit, whose place each connection gives back when its handler is removed.
     */
    static final class Shared {
        final ServerStats stats;
        final ConnectionLimit limit;
        final byte[] lineTooLong;
        final byte[] internalError = ErrorReplies.internalError().getBytes(Uppercase.CHARSET);
        final WarningThrottle tooLongWarning = new WarningThrottle(log, Duration.ofSeconds(10));

        Shared(int maxLineLength, ServerStats stats, ConnectionLimit limit) {
            this.stats = stats;
            this.limit = limit;
            this.lineTooLong = ErrorReplies.lineTooLong(maxLineLength).getBytes(Uppercase.CHARSET);
        }
    }

    /** @param idle this connection's event loop's idle clock; null when there is no idle timeout */
    UppercaseHandler(Shared shared, int chunk, IdleTimeouts idle) {
        this.shared = shared;
        this.chunk = chunk;
        this.idle = idle;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (idle != null) {
            lastLineNanos = ctx.executor().ticker().nanoTime(); // the clock starts at accept
            idle.watch(this);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String lines) {
        if (failed) {
            return; // what was in flight when serving failed: no answer may come after the error line
        }
        linesInBatch += Uppercase.writeLines(replyBuffer(ctx, lines.length()), lines);
        if (lines.indexOf('\uFFFD') >= 0) { // at once for Latin-1 text, which cannot hold it
            replacedInBatch += linesWithReplacement(lines);
        }
        // A partial line answered early or at the end does not keep a connection alive.
        completeLineInBatch |= lines.charAt(lines.length() - 1) == '\n';
        if (reply.readableBytes() >= chunk) {
            writeReply(ctx);
        }
    }

    /** How many of the lines in {@code lines} hold a U+FFFD: bytes that were not UTF-8, replaced. */
    private static int linesWithReplacement(String lines) {
        int n = 0;
        for (int i = lines.indexOf('\uFFFD'); i >= 0; ) {
            n++;
            int end = lines.indexOf('\n', i);
            i = end < 0 ? -1 : lines.indexOf('\uFFFD', end + 1);
        }
        return n;
    }

    private ByteBuf replyBuffer(ChannelHandlerContext ctx, int lineLength) {
        if (reply == null) {
            // A heap buffer: the transform writes into its array in place.
            reply = ctx.alloc().heapBuffer(Math.max(chunk, lineLength + 2));
        }
        return reply;
    }

    private void writeReply(ChannelHandlerContext ctx) {
        if (reply != null) {
            ByteBuf out = reply;
            reply = null;
            ctx.write(out, ctx.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        writeReply(ctx);
        endBatch(ctx); // counted before the replies leave: a client that has its reply finds it counted
        ctx.flush();
    }

    private void endBatch(ChannelHandlerContext ctx) {
        if (linesInBatch > 0) {
            shared.stats.countLines(linesInBatch);
            linesInBatch = 0;
        }
        if (replacedInBatch > 0) {
            shared.stats.countDecodeReplaced(replacedInBatch);
            replacedInBatch = 0;
        }
        if (completeLineInBatch) {
            completeLineInBatch = false;
            lastLineNanos = ctx.executor().ticker().nanoTime(); // once per batch: a batch takes microseconds
        }
    }

    /**
     * The end of this connection's input: every line before it has been answered. If the client ended it (a FIN, or
     * TLS close_notify), close once the replies are written. If the server is draining, end only the output: the client
     * reads every reply, then end of stream, and the DrainHandler closes when the client does.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            writeReply(ctx);
            endBatch(ctx);
            ChannelFuture written = ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
            if (ctx.pipeline().get(TcpHandlerNames.DRAIN) != null && ctx.channel() instanceof DuplexChannel
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
        SslHandler ssl = (SslHandler) ch.pipeline().get(TcpHandlerNames.SSL);
        ChannelFuture notified = ssl == null ? ch.newSucceededFuture() : ssl.closeOutbound();
        notified.addListener(f -> ch.shutdownOutput());
    }

    /** Closes the connection for sending no complete line for the idle timeout, after a line saying so. */
    void idleTimeout(byte[] idleReply) {
        shared.stats.countIdleClose();
        log.debug("closing connection from {}: idle timeout", ctx.channel().remoteAddress());
        writeReply(ctx);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(idleReply)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            shared.stats.countLineTooLong();
            shared.tooLongWarning.warn("line too long from {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
            replyBuffer(ctx, 0).writeBytes(shared.lineTooLong); // in its place among the replies
            return;
        }
        if (cause instanceof IOException) { // the socket itself failed (reset, broken pipe): nothing more gets through
            log.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            return;
        }
        if (failed) { // the error line's own way out failed as well
            log.warn("closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
            ctx.close();
            return;
        }
        failed = true;
        shared.stats.countInternalError();
        log.warn("closing connection from {} after an error: {}", ctx.channel().remoteAddress(), cause.toString(),
                cause);
        // The socket still carries bytes: the replies already made go out, then the error line in the place of the
        // next reply (so no later line's answer can be taken for this one's), then the close. Nothing more is read.
        ctx.channel().config().setAutoRead(false);
        writeReply(ctx);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(shared.internalError)).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The client is not reading its replies (the outbound buffer passed its high watermark): from now on, this
     * connection needs a BackpressureHandler, which holds its reads until the client catches up. Most connections never
     * get here, and never carry one.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable() && ctx.pipeline().get(TcpHandlerNames.BACKPRESSURE) == null) {
            ctx.pipeline().addBefore(TcpHandlerNames.FRAMER, TcpHandlerNames.BACKPRESSURE,
                    new BackpressureHandler(shared.stats));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (removed) { // on close, then again as the pipeline is taken down
            return;
        }
        removed = true;
        shared.limit.release();
        if (idle != null) {
            idle.forget(this);
        }
        if (reply != null) {
            reply.release();
            reply = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
