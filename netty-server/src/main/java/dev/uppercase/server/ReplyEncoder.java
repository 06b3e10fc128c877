package dev.uppercase.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.charset.StandardCharsets;

/**
 * Encodes reply lines as UTF-8 into one buffer per read batch, instead of one buffer (and one outbound entry) per line:
 * with small pipelined lines the per-line buffer, entry and promise cost more than the upper-casing. The buffer goes
 * out at each flush, or as soon as it holds {@code chunk} bytes, so the connection's writability (and backpressure)
 * still sees the replies at most one chunk late. Anything that is not text (an end-of-stream marker, say) is written
 * after the text before it, in order.
 *
 * <p>Stateful: one instance per channel.
 */
final class ReplyEncoder extends ChannelOutboundHandlerAdapter {
    private final int chunk;
    private ByteBuf pending;

    ReplyEncoder(int chunk) {
        this.chunk = chunk;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof CharSequence)) {
            writePending(ctx);
            ctx.write(msg, promise);
            return;
        }
        CharSequence reply = (CharSequence) msg;
        if (pending == null) {
            pending = ctx.alloc().ioBuffer(Math.max(chunk, ByteBufUtil.utf8MaxBytes(reply)));
        }
        if (reply instanceof String) {
            pending.writeBytes(((String) reply).getBytes(StandardCharsets.UTF_8)); // the JDK's vectorised encoder
        } else {
            ByteBufUtil.writeUtf8(pending, reply);
        }
        if (!promise.isVoid()) {
            ctx.write(pending, promise); // someone waits for this reply: send it (and the text before it) now
            pending = null;
        } else if (pending.readableBytes() >= chunk) {
            writePending(ctx);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        writePending(ctx);
        ctx.flush();
    }

    private void writePending(ChannelHandlerContext ctx) {
        if (pending != null) {
            ByteBuf out = pending;
            pending = null;
            ctx.write(out, ctx.voidPromise());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
