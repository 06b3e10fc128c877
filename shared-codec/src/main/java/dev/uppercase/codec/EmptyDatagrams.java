package dev.uppercase.codec;

import io.netty.channel.Channel;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Sends empty datagrams, which Netty's datagram channels silently drop on write (their {@code doWriteMessage} skips a
 * message with no content). The protocol answers an empty datagram with an empty one, as the textbook server does, and
 * an empty line is an empty datagram, so both ends send these straight to the channel's socket.
 */
public final class EmptyDatagrams {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final ByteBuffer EMPTY_DIRECT = ByteBuffer.allocateDirect(0);
    private static final Method JAVA_CHANNEL = javaChannelAccessor();

    private EmptyDatagrams() {}

    /** Sends an empty datagram from a NIO, epoll or io_uring datagram channel. Call on the channel's event loop. */
    public static void send(Channel channel, InetSocketAddress recipient) throws IOException {
        if (channel instanceof UnixChannel) { // epoll, io_uring: their socket is public
            ((Socket) ((UnixChannel) channel).fd())
                    .sendTo(EMPTY_DIRECT, 0, 0, recipient.getAddress(), recipient.getPort());
            return;
        }
        DatagramChannel socket;
        try {
            socket = (DatagramChannel) JAVA_CHANNEL.invoke(channel);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot reach the datagram socket of " + channel, e);
        }
        socket.send(EMPTY.duplicate(), recipient);
    }

    private static Method javaChannelAccessor() {
        try {
            Method m = AbstractNioChannel.class.getDeclaredMethod("javaChannel");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
