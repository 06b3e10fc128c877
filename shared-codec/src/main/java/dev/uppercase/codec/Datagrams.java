package dev.uppercase.codec;

import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/** The UDP rules shared by server and client: one datagram is one message. */
public final class Datagrams {

    /** The largest UDP payload over IPv4 (65,535 less the IPv4 and UDP headers), the default limit both ways. */
    public static final int MAX_IPV4_PAYLOAD = 65_507;

    private Datagrams() {}

    /**
     * A receive allocator for datagrams of up to {@code maxSize} bytes. Netty's default reads only 2,048 bytes and the
     * kernel silently drops the rest; one spare byte lets a receiver notice a datagram that was over the limit.
     */
    public static RecvByteBufAllocator receiveAllocator(int maxSize) {
        return new FixedRecvByteBufAllocator(maxSize + 1);
    }
}
