package dev.uppercase.server.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Locale;

/** The I/O transports the server can run on: Linux's native epoll and io_uring, and Java NIO everywhere. */
public enum Transport {
    /** The fastest available here (see docs/performance.md for the order). */
    AUTO,
    NIO,
    EPOLL,
    IO_URING;

    /** The transport AUTO stands for on this machine, or this one if it is available; null if it is not. */
    public Transport resolve() {
        switch (this) {
            case AUTO:
                return Epoll.isAvailable() ? EPOLL : IoUring.isAvailable() ? IO_URING : NIO;
            case EPOLL:
                return Epoll.isAvailable() ? this : null;
            case IO_URING:
                return IoUring.isAvailable() ? this : null;
            default:
                return this;
        }
    }

    /** Whether this transport can run here (AUTO always can). */
    public boolean isAvailable() {
        return resolve() != null;
    }

    /** Why a requested native transport cannot run here. */
    public String unavailability() {
        Throwable cause = this == EPOLL ? Epoll.unavailabilityCause()
                : this == IO_URING ? IoUring.unavailabilityCause() : null;
        return cause == null ? "unavailable" : cause.getMessage();
    }

    public IoHandlerFactory ioHandlerFactory() {
        switch (this) {
            case EPOLL:
                return new EpollInterestFix();
            case IO_URING:
                return IoUringIoHandler.newFactory();
            default:
                return NioIoHandler.newFactory();
        }
    }

    public Class<? extends ServerSocketChannel> serverSocketChannel() {
        switch (this) {
            case EPOLL:
                return EpollServerSocketChannel.class;
            case IO_URING:
                return IoUringServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        switch (this) {
            case EPOLL:
                return EpollDatagramChannel.class;
            case IO_URING:
                return IoUringDatagramChannel.class;
            default:
                return NioDatagramChannel.class;
        }
    }

    /** Several datagram sockets on one port, each on its own event loop, with the kernel spreading senders. */
    public boolean hasReusePort() {
        return this == EPOLL || this == IO_URING;
    }

    /**
     * A socket buffer's size as it was asked for, from what the socket reports: Linux reports twice the size it grants
     * (the other half is its bookkeeping), and the JDK's own sockets halve that again; Netty's native ones do not.
     */
    public int socketBufferAsAsked(int reported) {
        return this == NIO ? reported : reported / 2;
    }

    /** As written on the command line: {@code auto}, {@code nio}, {@code epoll}, {@code io_uring}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
