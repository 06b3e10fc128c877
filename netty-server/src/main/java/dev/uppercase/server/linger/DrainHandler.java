package dev.uppercase.server.linger;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Put at the head of a connection's pipeline when the server stops, or closes the connection (LingeringClose). It
 * reads and discards whatever the client still sends, and closes when the client does: closing with unread input
 * would make the kernel send a reset, which can destroy replies the client has not read yet. (On a stop the server
 * then ends the connection's input itself, past this handler, so the lines already read are answered and the
 * connection half-closes after the last reply: see ConnectionLifecycle.)
 */
public final class DrainHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close(); // the client is done too
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Swallowed like the reads.
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
