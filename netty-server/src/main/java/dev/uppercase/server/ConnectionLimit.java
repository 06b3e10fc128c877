package dev.uppercase.server;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicInteger;

/** The most connections open at once, shared by the plain and the TLS listener (both spend the same descriptors). */
final class ConnectionLimit {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /** Holds a place for {@code ch} until it closes; false, holding nothing, when every place is taken. */
    boolean tryOpen(Channel ch) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }
}
