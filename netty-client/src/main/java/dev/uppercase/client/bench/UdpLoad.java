package dev.uppercase.client.bench;

import dev.uppercase.codec.Datagrams;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** udp: keeps {@code inFlight} datagrams outstanding on one socket; matches replies by content; 1 s is lost. */
final class UdpLoad extends SimpleChannelInboundHandler<DatagramPacket> {
    private final Measurement measurement;
    private final InetSocketAddress server;
    private final Map<String, Long> sentAt = new HashMap<>();
    private final int inFlight;
    private long next;

    private UdpLoad(Measurement measurement, InetSocketAddress server, int id, int inFlight) {
        this.measurement = measurement;
        this.server = server;
        this.inFlight = inFlight;
        this.next = (long) id << 32;
    }

    /** Opens load {@code id}'s socket and starts sending. */
    static void start(EventLoopGroup group, InetSocketAddress server, Measurement measurement, int id, int inFlight)
            throws InterruptedException {
        UdpLoad load = new UdpLoad(measurement, server, id, inFlight);
        Channel ch = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.RECVBUF_ALLOCATOR, Datagrams.receiveAllocator(Datagrams.MAX_IPV4_PAYLOAD))
                .handler(load).bind(0).sync().channel();
        ch.eventLoop().execute(() -> load.refill(ch));
        // Datagrams unanswered for a second are lost: forget them, so the window does not shrink for good.
        ch.eventLoop().scheduleAtFixedRate(() -> load.expire(ch), 100, 100, TimeUnit.MILLISECONDS);
    }

    private void expire(Channel ch) {
        long now = System.nanoTime();
        sentAt.values().removeIf(t -> now - t > TimeUnit.SECONDS.toNanos(1));
        refill(ch);
    }

    private void refill(Channel ch) {
        while (measurement.running() && sentAt.size() < inFlight) {
            byte[] request = measurement.request(next);
            sentAt.put(new String(Measurement.upper(request), StandardCharsets.ISO_8859_1), System.nanoTime());
            next++;
            ch.write(new DatagramPacket(Unpooled.wrappedBuffer(request), server), ch.voidPromise());
        }
        ch.flush();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
        Long at = sentAt.remove(reply.content().toString(StandardCharsets.ISO_8859_1));
        if (at == null) {
            return; // late, after being counted lost; or a duplicate
        }
        measurement.replied(at);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        refill(ctx.channel());
    }
}
