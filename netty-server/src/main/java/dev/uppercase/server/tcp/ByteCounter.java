package dev.uppercase.server.tcp;

import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts the TCP bytes in and out, once per read and per write (not per line), for the metrics. */
@Sharable
final class ByteCounter extends ChannelDuplexHandler {
    private final ServerStats stats;

    ByteCounter(ServerStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            stats.add(Counter.BYTES_IN, ((ByteBuf) msg).readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf) {
            stats.add(Counter.BYTES_OUT, ((ByteBuf) msg).readableBytes());
        }
        ctx.write(msg, promise);
    }
}
