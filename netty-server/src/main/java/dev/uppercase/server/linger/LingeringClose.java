package dev.uppercase.server.linger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How the server ends a connection it has decided to end (idle, over a limit, an error, an HTTP response that closes):
 * a lingering close, as Apache's {@code lingering_close} and nginx's {@code lingering_close} do it. Closing a socket
 * that still has unread input makes the kernel send a reset, which destroys what the client has not read yet, the
 * last message saying why included. So: read and discard what the client still sends, write the last message,
 * half-close (over TLS, close_notify first), and close when the client does, or when the grace runs out, whether or
 * not the last message could be written (a client that does not read would otherwise hold the connection for ever).
 */
public final class LingeringClose {
    /** The name of the {@link DrainHandler} put first in the pipeline of a connection that reads no more. */
    public static final String DRAIN = "drain";

    private LingeringClose() {}

    /**
     * Ends {@code ch} with {@code last} (a buffer, or what the pipeline encodes; null: nothing), lingering at most
     * {@code grace}. Whatever else the connection's pipeline must stop doing (answering) it stops before this.
     *
     * @param ssl the connection's SslHandler, or null
     */
    public static void close(Channel ch, Object last, SslHandler ssl, Duration grace) {
        discardInput(ch.pipeline());
        ChannelFuture written = last == null ? ch.newSucceededFuture() : ch.writeAndFlush(last);
        ch.eventLoop().schedule(() -> ch.close(), grace.toNanos(), TimeUnit.NANOSECONDS);
        written.addListener(f -> {
            if (!f.isSuccess() || !(ch instanceof DuplexChannel duplex) || duplex.isInputShutdown()) {
                ch.close(); // it cannot go out, or the client has ended too: nothing left to linger for
                return;
            }
            ChannelFuture notified = ssl == null ? ch.newSucceededFuture() : ssl.closeOutbound();
            notified.addListener(n -> duplex.shutdownOutput());
        });
    }

    /** Nothing is read any more: what the client still sends is discarded, and the connection closes when it ends. */
    public static void discardInput(ChannelPipeline p) {
        if (p.get(DRAIN) == null) {
            p.addFirst(DRAIN, new DrainHandler());
        }
    }
}
