package dev.uppercase.server.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How the server ends a connection it has decided to end (idle, over a limit, an error): a lingering close, as
 * Apache's {@code lingering_close} and nginx's {@code lingering_close} do it. Closing a socket that still has unread
 * input makes the kernel send a reset, which destroys the replies the client has not read yet, the last line saying
 * why included. So: answer no more lines (what the client still sends is read and discarded), write the last line,
 * half-close (over TLS, close_notify first), and close when the client does, or when the grace runs out, whether or
 * not the last line could be written (a client that does not read would otherwise hold the connection for ever).
 */
final class LingeringClose {
    private LingeringClose() {}

    /**
     * Ends {@code ch} with {@code lastLine} (null: none), lingering at most {@code grace}.
     *
     * @param ssl the connection's SslHandler, or null
     */
    static void close(Channel ch, ByteBuf lastLine, SslHandler ssl, Duration grace) {
        TcpPipeline.discardInput(ch.pipeline());
        TcpPipeline.stopAnswering(ch.pipeline()); // nor a read held back until now: the last line is the last

        ChannelFuture written = lastLine == null ? ch.newSucceededFuture() : ch.writeAndFlush(lastLine);
        ch.eventLoop().schedule(() -> ch.close(), grace.toNanos(), TimeUnit.NANOSECONDS);
        written.addListener(f -> {
            if (!f.isSuccess() || !(ch instanceof DuplexChannel duplex) || duplex.isInputShutdown()) {
                ch.close(); // the line cannot go out, or the client has ended too: nothing left to linger for
                return;
            }
            ChannelFuture notified = ssl == null ? ch.newSucceededFuture() : ssl.closeOutbound();
            notified.addListener(n -> duplex.shutdownOutput());
        });
    }
}
