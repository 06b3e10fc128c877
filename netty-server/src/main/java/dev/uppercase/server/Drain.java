package dev.uppercase.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A graceful stop's work on the open connections: each is answered for every line the server has read, then gets end
 * of stream; the stop waits for the clients to close, at most the drain timeout, then closes the rest.
 */
final class Drain {
    private static final Logger log = LoggerFactory.getLogger(Drain.class);

    private Drain() {}

    /** Drains every connection and returns once all are closed, or the timeout has passed and the rest are closed. */
    static void drainAll(ChannelGroup connections, Duration timeout) {
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> drain(ch));
        }
        if (!connections.newCloseFuture().awaitUninterruptibly(timeout.toMillis())) {
            log.warn("drain timeout ({} ms): closing {} connection(s) not yet finished",
                    timeout.toMillis(), connections.size());
            connections.close().awaitUninterruptibly();
        }
    }

    /**
     * On the channel's event loop: ends the connection's input as a half-close would, behind what it has read (a read
     * held by backpressure, a partial line in the framer: all are answered), and hands it to a DrainHandler.
     */
    private static void drain(Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        SslHandler ssl = (SslHandler) ch.pipeline().get(TcpHandlerNames.SSL);
        if (ch.pipeline().get(TcpHandlerNames.FRAMER) == null || (ssl != null && !ssl.handshakeFuture().isSuccess())) {
            ch.close(); // turned away at the connection limit, or not yet through its handshake: nothing to answer
            return;
        }
        ch.pipeline().addFirst(TcpHandlerNames.DRAIN, new DrainHandler());
        // Past the DrainHandler (which discards what the client still sends) but ahead of everything else.
        ch.pipeline().context(TcpHandlerNames.DRAIN).fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }
}
