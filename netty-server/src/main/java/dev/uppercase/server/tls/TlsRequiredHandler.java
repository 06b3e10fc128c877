package dev.uppercase.server.tls;

import dev.uppercase.codec.ErrorReplies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Ahead of the SslHandler: a TLS client's first byte is always a handshake record (22). Anything else is someone typing
 * plain text at the TLS port, who gets one plain line saying so instead of a silent close ({@link #PLAIN_TEXT} tells
 * the TlsSessionHandler, which counts and logs it). A TLS client costs one look at its first read, then this handler
 * removes itself.
 */
@Sharable
public final class TlsRequiredHandler extends ChannelInboundHandlerAdapter {
    /** Fired past the SslHandler when plain text was answered: the handshake that then fails is this, not another. */
    public static final Object PLAIN_TEXT = new Object();
    private static final byte HANDSHAKE_RECORD = 22;

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
        ctx.fireUserEventTriggered(PLAIN_TEXT);
        // Written and closed from here, ahead of the SslHandler: the line goes out as plain text, and the close does
        // not pass the SslHandler, which would add a TLS alert after it.
        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), ErrorReplies.tlsRequired())).addListener(f -> ctx.close());
    }
}
