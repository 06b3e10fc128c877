package dev.uppercase.client.bench;

import dev.uppercase.codec.LineFrameDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;

/** connect: one textbook exchange on a new connection; when it ends, the next one starts. */
final class ConnectLoad extends SimpleChannelInboundHandler<ByteBuf> {
    private final Exchanges exchanges;
    private final byte[] request;
    private final byte[] expected;
    private final long startedNanos = System.nanoTime();

    /** Load {@code id}'s exchanges, one after the other. */
    private record Exchanges(EventLoopGroup group, InetSocketAddress server, Measurement measurement, int id) {
        void next() {
            if (!measurement.running()) {
                return;
            }
            ConnectLoad exchange = new ConnectLoad(this, measurement.request(measurement.done.get()
                    + ((long) id << 40)));
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LineFrameDecoder(measurement.size() + 1, Duration.ZERO),
                                    exchange);
                        }
                    })
                    .connect(server)
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            measurement.error("connect: " + f.cause());
                        }
                    });
        }
    }

    private ConnectLoad(Exchanges exchanges, byte[] request) {
        this.exchanges = exchanges;
        this.request = request;
        this.expected = Measurement.upper(request);
    }

    /** Starts load {@code id}: its first connection. */
    static void start(EventLoopGroup group, InetSocketAddress server, Measurement measurement, int id) {
        new Exchanges(group, server, measurement, id).next();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(request, new byte[] {'\n'}));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf reply) {
        if (!Measurement.isWholeReply(reply, expected)) {
            exchanges.measurement().error("wrong reply on a new connection");
        }
        exchanges.measurement().replied(startedNanos);
        ctx.close().addListener(f -> exchanges.next());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exchanges.measurement().error(cause.toString());
        ctx.close();
    }
}
