package dev.uppercase.server.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The I/O transports the server can run on: Linux's native epoll and io_uring, and Java NIO everywhere. Each carries
 * what differs between them: its event loops' I/O handler, its channel classes, the socket options it offers, and how
 * it reports a socket buffer's size.
 */
public enum Transport {
    /** The fastest available here (see docs/performance.md for the order): epoll, else io_uring, else NIO. */
    AUTO(null, null, null, () -> true, false),
    NIO(NioIoHandler::newFactory, NioServerSocketChannel.class, NioDatagramChannel.class, () -> true, false) {
        @Override
        public int socketBufferAsAsked(int reported) {
            return reported; // the JDK's sockets halve what Linux reports
        }
    },
    EPOLL(EpollInterestFix::new, EpollServerSocketChannel.class, EpollDatagramChannel.class, Epoll::isAvailable,
            true) {
        @Override
        void datagramOptions(Bootstrap udp, int maxDatagramSize) {
            // recvmmsg: up to 8 datagrams per system call (it engages only when the buffer holds at least two).
            int slot = maxDatagramSize + 1;
            udp.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(slot * 8));
        }
    },
    IO_URING(IoUringIoHandler::newFactory, IoUringServerSocketChannel.class, IoUringDatagramChannel.class,
            IoUring::isAvailable, true);

    private final Supplier<IoHandlerFactory> ioHandlerFactory;
    private final Class<? extends ServerSocketChannel> serverSocketChannel;
    private final Class<? extends DatagramChannel> datagramChannel;
    private final BooleanSupplier available;
    private final boolean reusePort;

    Transport(Supplier<IoHandlerFactory> ioHandlerFactory, Class<? extends ServerSocketChannel> serverSocketChannel,
            Class<? extends DatagramChannel> datagramChannel, BooleanSupplier available, boolean reusePort) {
        this.ioHandlerFactory = ioHandlerFactory;
        this.serverSocketChannel = serverSocketChannel;
        this.datagramChannel = datagramChannel;
        this.available = available;
        this.reusePort = reusePort;
    }

    /** The transport AUTO stands for on this machine, or this one if it is available; null if it is not. */
    public Transport resolve() {
        if (this == AUTO) {
            return EPOLL.isAvailable() ? EPOLL : IO_URING.isAvailable() ? IO_URING : NIO;
        }
        return isAvailable() ? this : null;
    }

    /** Whether this transport can run here (AUTO always can). */
    public boolean isAvailable() {
        return available.getAsBoolean();
    }

    /** Why a requested native transport cannot run here. */
    public String unavailability() {
        Throwable cause = this == EPOLL ? Epoll.unavailabilityCause()
                : this == IO_URING ? IoUring.unavailabilityCause() : null;
        return cause == null ? "unavailable" : cause.getMessage();
    }

    /** The I/O handler of this transport's event loops; call on a resolved transport. */
    public IoHandlerFactory ioHandlerFactory() {
        return ioHandlerFactory.get();
    }

    public Class<? extends ServerSocketChannel> serverSocketChannel() {
        return serverSocketChannel;
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }

    /** Several datagram sockets on one port, each on its own event loop, with the kernel spreading senders. */
    public boolean hasReusePort() {
        return reusePort;
    }

    /** This transport's own options for a UDP socket: SO_REUSEPORT where offered, and epoll's recvmmsg. */
    public void configureDatagram(Bootstrap udp, int maxDatagramSize) {
        if (reusePort) {
            udp.option(UnixChannelOption.SO_REUSEPORT, true);
        }
        datagramOptions(udp, maxDatagramSize);
    }

    void datagramOptions(Bootstrap udp, int maxDatagramSize) {
        // none beyond the common ones
    }

    /**
     * A socket buffer's size as it was asked for, from what the socket reports: Linux reports twice the size it grants
     * (the other half is its bookkeeping); Netty's native sockets report that as it is.
     */
    public int socketBufferAsAsked(int reported) {
        return reported / 2;
    }

    /** As written on the command line: {@code auto}, {@code nio}, {@code epoll}, {@code io_uring}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
