package dev.uppercase.server;

import dev.uppercase.codec.LineFraming;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that has sent no complete line for the idle timeout, after one line saying so. Only a
 * terminated line counts: a client dripping a byte every few seconds (slowloris), or one that sends half a line and
 * waits, is closed on the same clock as a silent one. Netty's IdleStateHandler counts reads of any bytes instead.
 *
 * <p>Stateful: one instance per channel. Sits after the string decoder, so it sees lines.
 */
final class IdleTimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(IdleTimeoutHandler.class);

    private final long timeoutNanos;
    private final String reply;
    private final ServerStats stats;
    private long lastLineNanos;
    private boolean lineInBatch;
    private ScheduledFuture<?> check;

    IdleTimeoutHandler(Duration timeout, ServerStats stats) {
        this.timeoutNanos = timeout.toNanos();
        this.reply = LineFraming.idleTimeoutReply(timeout.toMillis());
        this.stats = stats;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lastLineNanos = ctx.executor().ticker().nanoTime();
        check = ctx.executor().schedule(() -> onCheck(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof String && ((String) msg).endsWith("\n")) {
            lineInBatch = true;
        }
        ctx.fireChannelRead(msg);
    }

    /** The clock is read once per read batch, not per line: a batch takes microseconds, the timeout minutes. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (lineInBatch) {
            lineInBatch = false;
            lastLineNanos = ctx.executor().ticker().nanoTime();
        }
        ctx.fireChannelReadComplete();
    }

    private void onCheck(ChannelHandlerContext ctx) {
        long idleNanos = ctx.executor().ticker().nanoTime() - lastLineNanos;
        if (idleNanos < timeoutNanos) {
            check = ctx.executor().schedule(() -> onCheck(ctx), timeoutNanos - idleNanos, TimeUnit.NANOSECONDS);
            return;
        }
        check = null;
        stats.idleClosed.increment();
        log.debug("closing connection from {}: idle timeout", ctx.channel().remoteAddress());
        // From the tail, through the encoder.
        ctx.channel().writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
