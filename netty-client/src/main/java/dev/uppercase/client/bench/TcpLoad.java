package dev.uppercase.client.bench;

import dev.uppercase.codec.LineFrameDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * tcp-rr and tcp-pipeline: keeps {@code inFlight} lines outstanding on one connection; checks each reply, records its
 * latency, and sends the next.
 */
final class TcpLoad extends SimpleChannelInboundHandler<ByteBuf> {
    private final Measurement measurement;
    private final ArrayDeque<long[]> sent = new ArrayDeque<>(); // {sequence, nanoTime}
    private final int inFlight;
    private long next;

    private TcpLoad(Measurement measurement, int id, int inFlight) {
        this.measurement = measurement;
        this.inFlight = inFlight;
        this.next = (long) id << 32;
    }

    /** Connects load {@code id}; returns once it is connected and running. */
    static void start(EventLoopGroup group, InetSocketAddress server, Measurement measurement, int id, int inFlight)
            throws InterruptedException {
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LineFrameDecoder(measurement.size() + 1, Duration.ZERO),
                                new TcpLoad(measurement, id, inFlight));
                    }
                })
                .connect(server).sync();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        for (int i = 0; i < inFlight; i++) {
            send(ctx);
        }
        ctx.flush();
    }

    private void send(ChannelHandlerContext ctx) {
        long n = next++;
        sent.add(new long[] {n, System.nanoTime()});
        ByteBuf line = ctx.alloc().buffer(measurement.size() + 1).writeBytes(measurement.request(n)).writeByte('\n');
        ctx.write(line, ctx.voidPromise());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf reply) {
        long[] request = sent.poll();
        if (request == null) {
            measurement.error("a reply to no request");
            return;
        }
        if (!Measurement.isWholeReply(reply, Measurement.upper(measurement.request(request[0])))) {
            measurement.error("line " + request[0] + ": wrong reply '" + reply.toString(StandardCharsets.UTF_8).trim()
                    + "'");
        }
        measurement.replied(request[1]);
        if (measurement.running()) {
            send(ctx);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        measurement.error(cause.toString());
        ctx.close();
    }
}
