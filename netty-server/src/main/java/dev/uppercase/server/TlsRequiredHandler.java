package dev.uppercase.server;

import dev.uppercase.codec.ErrorReplies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Ahead of the SslHandler: a TLS client's first byte is always a handshake record (22). Anything else is someone typing
 * plain text at the TLS port, who gets one plain line saying so instead of a silent close, and is counted. A TLS client
 * costs one look at its first read, then this handler removes itself.
 */
@Sharable
final class TlsRequiredHandler extends ChannelInboundHandlerAdapter {
    private static final byte HANDSHAKE_RECORD = 22;

    private final ServerStats stats;
    private final WarningThrottle warning;

    TlsRequiredHandler(ServerStats stats, WarningThrottle warning) {
        this.stats = stats;
        this.warning = warning;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        if (!bytes.isReadable()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (bytes.getByte(bytes.readerIndex()) == HANDSHAKE_RECORD) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        ctx.channel().config().setAutoRead(false);
        // This connection will never speak TLS: without the TLS handlers the error line is the last thing it gets (an
        // SslHandler would add a TLS alert on the close) and is counted once (not again as a failed handshake).
        ctx.pipeline().remove(TcpHandlerNames.TLS_SESSION);
        ctx.pipeline().remove(TcpHandlerNames.SSL);
        stats.countTlsFailure();
        warning.warn("plain text on the TLS port from {}: answered and closed", ctx.channel().remoteAddress());
        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), ErrorReplies.tlsRequired()))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
