package dev.uppercase.server.tcp;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.codec.Uppercase;
import dev.uppercase.server.access.ClientAddress;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import dev.uppercase.server.ops.WarningThrottle;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each decoded frame (a line, or a run of complete lines, terminators included so the replies keep them) with
 * its upper case, written as UTF-8 straight into one reply buffer per read batch: no second {@code String}, no buffer
 * or outbound entry per line. The batch goes out at the end of the read, or as soon as it holds {@link Shared#chunk}
 * bytes, so the connection's writability (and the backpressure that watches it) sees the replies at most one chunk
 * late; it goes out too before the end of input or an error is passed on, so that whoever acts on those (the
 * ConnectionLifecycle, next) finds every reply written. A line over the limit is answered, in its place, with the
 * documented error line, and the connection goes on. Each frame answered, and the end of each batch, is passed on (the
 * idle clock's input); counters (lines, reply bytes) are added once per batch.
 *
 * <p>Stateful: one instance per channel.
 */
final class UppercaseHandler extends SimpleChannelInboundHandler<String> {
    private static final Logger log = LoggerFactory.getLogger(UppercaseHandler.class);
    /** The smallest reply buffer: room for the replies to a few short lines of one batch, without regrowing. */
    private static final int MIN_REPLY_BUFFER = 256;

    private final Shared shared;
    private ByteBuf reply;
    private int linesInBatch;
    private int replacedInBatch;
    private int bytesInBatch;

    /**
     * What the handlers of every connection share: where the counts go, the chunk, the error line and its log throttle
     * (here, not in each handler: what a handler holds, every connection holds).
     */
    static final class Shared {
        final ServerStats stats;
        final int chunk;
        final byte[] lineTooLong;
        final WarningThrottle tooLongWarning = new WarningThrottle(log, Duration.ofSeconds(10));

        Shared(int maxLineLength, int chunk, ServerStats stats) {
            this.stats = stats;
            this.chunk = chunk;
            this.lineTooLong = ErrorReplies.lineTooLong(maxLineLength).getBytes(Uppercase.CHARSET);
        }
    }

    UppercaseHandler(Shared shared) {
        super(false); // each frame is passed on, so not released here (a String holds nothing to release anyway)
        this.shared = shared;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String lines) {
        linesInBatch += Uppercase.writeLines(replyBuffer(ctx, lines.length()), lines);
        if (lines.indexOf('\uFFFD') >= 0) { // at once for Latin-1 text, which cannot hold it
            replacedInBatch += linesWithReplacement(lines);
        }
        if (reply.readableBytes() >= shared.chunk) {
            writeReply(ctx);
        }
        ctx.fireChannelRead(lines);
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
            // Direct, as the socket writes it (a heap buffer would be copied into one on its way out), and sized for
            // the frame at hand (ASCII keeps its length): it grows if later frames of the batch need more.
            reply = ctx.alloc().ioBuffer(Math.max(MIN_REPLY_BUFFER, lineLength + 2));
        }
        return reply;
    }

    private void writeReply(ChannelHandlerContext ctx) {
        if (reply != null) {
            ByteBuf out = reply;
            reply = null;
            bytesInBatch += out.readableBytes();
            ctx.write(out, ctx.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        endBatch(ctx); // counted before the replies leave: a client that has its reply finds it counted
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    /** Writes the batch's replies and adds its counts. */
    private void endBatch(ChannelHandlerContext ctx) {
        writeReply(ctx);
        if (linesInBatch > 0) {
            shared.stats.add(Counter.LINES_IN, linesInBatch);
            linesInBatch = 0;
        }
        if (replacedInBatch > 0) {
            shared.stats.add(Counter.DECODE_REPLACED, replacedInBatch);
            replacedInBatch = 0;
        }
        if (bytesInBatch > 0) {
            shared.stats.add(Counter.BYTES_OUT, bytesInBatch);
            bytesInBatch = 0;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            endBatch(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            shared.stats.add(Counter.LINES_TOO_LONG);
            shared.tooLongWarning.warn("line too long from {}: {}", ClientAddress.of(ctx.channel()),
                    cause.getMessage());
            replyBuffer(ctx, 0).writeBytes(shared.lineTooLong); // in its place among the replies
            return;
        }
        endBatch(ctx);
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (reply != null) {
            reply.release();
            reply = null;
        }
    }
}
