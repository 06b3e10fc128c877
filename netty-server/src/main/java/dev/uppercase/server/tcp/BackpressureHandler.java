package dev.uppercase.server.tcp;

import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Keeps a client that does not read its replies from making the server buffer them without bound. When the connection's
 * outbound buffer passes its high watermark the connection stops reading, and a read that still arrives is held here,
 * whole and in order, instead of being framed and answered; when the client has read enough for the buffer to fall
 * under the low watermark, the held reads go on and reading resumes. An end of input (the client's half-close, or the
 * server's drain) waits its turn behind them, so that no line loses its reply. It sits before the framer, so it looks
 * once per read, not once per line: the replies can pass the watermark by those of one read.
 *
 * <p>Stateful: one instance per channel, added to a connection only when it first falls behind.
 */
final class BackpressureHandler extends ChannelInboundHandlerAdapter {
    private final ServerStats stats;
    /** Reads (and an end of input) waiting for the client to catch up; made only when a client first falls behind. */
    private ArrayDeque<Object> held;
    /** The client's half-close (or the server's drain) has come: reads are not resumed for what cannot follow it. */
    private boolean inputEnded;
    /** What the held reads take in memory (their buffers' capacity), for the memory budget. */
    private long heldBytes;

    BackpressureHandler(ServerStats stats) {
        this.stats = stats;
    }

    /** Added when the client first falls behind (see UppercaseHandler): it starts by acting on that. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            stats.recordPendingOutbound(ctx.channel());
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object read) {
        if (isEmpty() && ctx.channel().isWritable()) {
            ctx.fireChannelRead(read);
        } else {
            hold(read);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded = true;
        }
        if (evt instanceof ChannelInputShutdownEvent && !isEmpty()) {
            hold(evt);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        if (writable) {
            answerHeld(ctx);
        } else {
            stats.recordPendingOutbound(ctx.channel());
        }
        if (!writable || !inputEnded) { // once the input has ended there is nothing more to read
            ctx.channel().config().setAutoRead(writable);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private boolean isEmpty() {
        return held == null || held.isEmpty();
    }

    private void hold(Object o) {
        if (held == null) {
            held = new ArrayDeque<>();
        }
        held.add(o);
        heldBytes += size(o);
    }

    private static long size(Object o) {
        return o instanceof ByteBuf ? ((ByteBuf) o).capacity() : 0;
    }

    /** Bytes of reads held: part of what the connection costs the memory budget. */
    long heldBytes() {
        return heldBytes;
    }

    private void answerHeld(ChannelHandlerContext ctx) {
        if (isEmpty()) {
            return;
        }
        while (!held.isEmpty() && ctx.channel().isWritable()) {
            Object next = held.poll();
            heldBytes -= size(next);
            if (next instanceof ChannelInputShutdownEvent) {
                ctx.fireUserEventTriggered(next);
            } else {
                ctx.fireChannelRead(next);
            }
        }
        ctx.fireChannelReadComplete(); // the replies to the held reads go out as one batch
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    /** Taken out of the pipeline (for the memory budget, or with the rest at the close): what it holds goes. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    /**
     * Lets go of the reads still held, unframed: they were received all the same, so they are counted here, as the
     * framer counts every read it gets.
     */
    private void releaseHeld() {
        if (held != null) {
            long received = 0;
            for (Object o : held) {
                if (o instanceof ByteBuf) {
                    received += ((ByteBuf) o).readableBytes();
                }
                ReferenceCountUtil.release(o);
            }
            if (received > 0) {
                stats.add(Counter.BYTES_IN, received);
            }
            held = null;
            heldBytes = 0;
        }
    }
}
