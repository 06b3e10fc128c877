package dev.uppercase.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uppercase.server.OnEveryTransport;
import dev.uppercase.server.PlainTcpClient;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * The transports as the server makes them ({@link Transport}), below the line protocol: a connection whose interest
 * set went empty (its reads paused, the client's FIN handled, nothing to write) must still be able to resume reading
 * and to wait for room to write. On epoll it was not (see {@link EpollInterestFix}): both failed with
 * {@code epoll_ctl(..) failed with error(-2)} and Netty closed the connection with the reply unsent.
 */
@OnEveryTransport
class TransportInterestTest {
    /** More than the socket takes at once, so the write has to wait for room (EPOLLOUT, on epoll). */
    private static final int REPLY_BYTES = 16 * 1024 * 1024;

    @Parameter
    Transport transport;

    private EventLoopGroup group;
    private Channel listener;
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();

    @BeforeEach
    void listen() {
        assumeTrue(transport.isAvailable(), () -> transport + " is not available here");
        group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        listener = new ServerBootstrap()
                .group(group)
                .channel(transport.serverSocketChannel())
                .childOption(ChannelOption.AUTO_READ, false) // reads paused from the start, as by backpressure
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new AnswerAfterTheInputEnded(accepted))
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
    }

    @AfterEach
    void stop() {
        if (group != null) {
            listener.close().syncUninterruptibly();
            assertTrue(group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10_000));
        }
    }

    /**
     * Once the input has ended, and once the transport is done with that event, resumes reading (which reads nothing
     * more) and writes a reply too large for the socket, then closes.
     */
    private static final class AnswerAfterTheInputEnded extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Channel> accepted;

        AnswerAfterTheInputEnded(CompletableFuture<Channel> accepted) {
            this.accepted = accepted;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.complete(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownReadComplete) {
                ctx.executor().execute(() -> {
                    ctx.channel().config().setAutoRead(true);
                    ByteBuf reply = Unpooled.buffer(REPLY_BYTES);
                    reply.writerIndex(REPLY_BYTES);
                    ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
                });
            }
            ReferenceCountUtil.release(evt);
        }
    }

    @Test
    void aConnectionWhoseInputEndedWhileReadsWerePausedCanStillBeAnswered() throws Exception {
        try (PlainTcpClient c = new PlainTcpClient((InetSocketAddress) listener.localAddress())) {
            c.send("x");
            c.shutdownOutput();
            if (transport == Transport.NIO) { // NIO learns of the client's FIN only by reading: let it read
                Channel ch = accepted.get(20, TimeUnit.SECONDS);
                ch.eventLoop().execute(() -> ch.config().setAutoRead(true));
            }
            assertEquals(REPLY_BYTES, c.input().readAllBytes().length, "the whole reply, then end of stream");
        }
    }
}
