package dev.uppercase.server.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll I/O handler, with one defect of Netty 4.2.13 and later worked around (netty/netty#16689, still in
 * 4.2.20): when a channel's interest set becomes empty, Netty deletes its descriptor from the epoll set but keeps the
 * registration marked as added, so the channel's next interest is an {@code EPOLL_CTL_MOD} of a descriptor epoll no
 * longer holds, which fails with {@code ENOENT}, and Netty closes the connection with its replies still queued.
 *
 * <p>A connection gets there whenever its client half-closes while the server has paused its reads (backpressure) and
 * nothing waits to be written: reads off, the peer's FIN handled, no EPOLLOUT. Its next interest comes as the server
 * answers what it held: EPOLLOUT when the socket fills, or EPOLLIN if reads resume. Here an empty interest set is
 * submitted as EPOLLERR alone instead, which epoll reports whatever the set (so the channel is told of nothing it was
 * not told of before): the descriptor stays in the epoll set, as it did up to 4.2.12, and every later change is a MOD
 * of a descriptor that is there. Delete this class once Netty keeps its registration's state right.
 */
final class EpollInterestFix implements IoHandlerFactory {
    private final IoHandlerFactory epoll = EpollIoHandler.newFactory();

    @Override
    public IoHandler newHandler(ThreadAwareExecutor ioExecutor) {
        return new Handler(epoll.newHandler(ioExecutor));
    }

    @Override
    public boolean isChangingThreadSupported() {
        return epoll.isChangingThreadSupported();
    }

    /** Epoll's handler, whose registrations never submit an empty interest set. */
    private static final class Handler implements IoHandler {
        private final IoHandler epoll;

        Handler(IoHandler epoll) {
            this.epoll = epoll;
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return new Registration(epoll.register(handle));
        }

        @Override
        public void initialize() {
            epoll.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
            return epoll.run(context);
        }

        @Override
        public void prepareToDestroy() {
            epoll.prepareToDestroy();
        }

        @Override
        public void destroy() {
            epoll.destroy();
        }

        @Override
        public void wakeup() {
            epoll.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return epoll.isCompatible(handleType);
        }
    }

    /** Submitted to on its channel's event loop only. */
    private static final class Registration implements IoRegistration {
        private final IoRegistration epoll;
        /**
         * Whether epoll holds the descriptor: Netty adds it with the first interest that is not empty. Until then an
         * empty set goes through as it is, so a channel that is not yet connected stays out of the set (where it
         * would be reported hung up on every wait, netty/netty#16240).
         */
        private boolean added;

        Registration(IoRegistration epoll) {
            this.epoll = epoll;
        }

        @Override
        public long submit(IoOps ops) {
            if (!EpollIoOps.NONE.equals(ops)) {
                added = true;
                return epoll.submit(ops);
            }
            return epoll.submit(added ? EpollIoOps.EPOLLERR : ops);
        }

        @Override
        public <T> T attachment() {
            return epoll.attachment();
        }

        @Override
        public boolean isValid() {
            return epoll.isValid();
        }

        @Override
        public boolean cancel() {
            return epoll.cancel();
        }
    }
}
