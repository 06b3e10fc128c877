package dev.uppercase.server;

import dev.uppercase.server.tcp.ConnectionLifecycle;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
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
            ch.pipeline().fireUserEventTriggered(ConnectionLifecycle.Event.DRAIN); // Netty runs it on ch's loop
        }
        if (!connections.newCloseFuture().awaitUninterruptibly(timeout.toMillis())) {
            log.warn("drain timeout ({} ms): closing {} connection(s) not yet finished",
                    timeout.toMillis(), connections.size());
            connections.close().awaitUninterruptibly();
        }
    }
}
