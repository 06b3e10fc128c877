package dev.uppercase.client;

import dev.uppercase.codec.LineFrameDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection to the server, carrying lines out and replies back, with backpressure both ways: a sender blocks
 * while the connection's outbound buffer is over its high watermark, and replies are handed to the sink on the event
 * loop, so a slow sink stops the reading (and TCP then stops the server).
 */
final class TcpSession implements AutoCloseable {
    private static final WriteBufferWaterMark WATERMARKS = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final ClientSettings settings;
    private final ReplySink sink;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Object progress = new Object(); // guards and signals the fields below
    private Channel channel;
    /** The connection's SslHandler over TLS (set as the pipeline is built, on the event loop); null over plain TCP. */
    private volatile SslHandler ssl;
    private long linesSent;
    /** The last line sent so far has no newline: only its reply may come without one (see ReplyHandler). */
    private boolean lastLineUnterminated;
    private long repliesReceived;
    private long lastProgressNanos = System.nanoTime();
    private boolean closed;
    private ClientException failure;

    private TcpSession(ClientSettings settings, ReplySink sink) {
        this.settings = settings;
        this.sink = sink;
    }

    static TcpSession connect(ClientSettings settings, ReplySink sink) throws ClientException {
        SslContext tls = settings.tls() == null ? null : ClientTls.context(settings.tls());
        TcpSession session = new TcpSession(settings, sink);
        Bootstrap bootstrap = new Bootstrap()
                .group(session.group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATERMARKS)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                // After our half-close the server still sends the replies it owes.
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            session.ssl = tls.newHandler(ch.alloc(), settings.host(), settings.port());
                            ch.pipeline().addLast("ssl", session.ssl);
                        }
                        ch.pipeline()
                                .addLast("framer", new LineFrameDecoder(settings.maxReplyLength(), Duration.ZERO))
                                .addLast("replies", session.new ReplyHandler());
                    }
                });
        ChannelFuture connected = bootstrap.connect(settings.host(), settings.port()).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            session.close();
            throw Connections.cannotConnect(settings, connected.cause());
        }
        session.channel = connected.channel();
        SslHandler ssl = session.ssl;
        if (ssl != null && !ssl.handshakeFuture().awaitUninterruptibly().isSuccess()) {
            session.close();
            throw Connections.tlsHandshakeFailed(settings, ssl.handshakeFuture().cause());
        }
        return session;
    }

    /** Sends bytes holding {@code lines} line ends (or one unterminated last line); blocks while the buffer is full. */
    void send(ByteBuf bytes, long lines) throws ClientException {
        boolean unterminated = bytes.isReadable() && bytes.getByte(bytes.writerIndex() - 1) != '\n';
        synchronized (progress) {
            throwIfFailed();
            linesSent += lines;
            lastLineUnterminated = unterminated;
        }
        channel.writeAndFlush(bytes, channel.voidPromise());
        synchronized (progress) {
            while (!channel.isWritable() && !closed && failure == null) {
                waitForProgress();
            }
            throwIfFailed();
        }
    }

    /**
     * Half-closes: the server answers any unterminated last line, then closes its side. Over TLS, close_notify comes
     * first, and is what the server goes by (TLS 1.3 keeps the other direction open; under TLS 1.2 the server can
     * only answer what it had read before).
     */
    void finishSending() {
        // Netty's shutdownOutput fails writes still queued, so it waits for the last one.
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER)
                .addListener(written -> (ssl == null ? channel.newSucceededFuture() : ssl.closeOutbound())
                        .addListener(notified -> ((SocketChannel) channel).shutdownOutput()));
    }

    /** Waits until every line sent has its reply; fails if the server closes first or goes silent too long. */
    void awaitReplies() throws ClientException {
        synchronized (progress) {
            while (repliesReceived < linesSent) {
                throwIfFailed();
                if (closed) {
                    throw new ClientException(ExitCodes.CLOSED_EARLY, "the server closed the connection after "
                            + repliesReceived + " of " + linesSent + " replies");
                }
                waitForProgress();
            }
        }
    }

    /** Call holding {@code progress}. */
    private void waitForProgress() throws ClientException {
        long silentNanos = System.nanoTime() - lastProgressNanos;
        long leftNanos = settings.replyTimeout().toNanos() - silentNanos;
        if (leftNanos <= 0) {
            throw new ClientException(ExitCodes.TIMEOUT, "no reply from " + settings.host() + ":" + settings.port()
                    + " for " + settings.replyTimeout().toMillis() + " ms (" + repliesReceived + " of " + linesSent
                    + " replies received)");
        }
        try {
            progress.wait(TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ExitCodes.FAILED, "interrupted");
        }
    }

    private void throwIfFailed() throws ClientException {
        if (failure != null) {
            throw failure;
        }
    }

    private void signal(Runnable change) {
        synchronized (progress) {
            change.run();
            lastProgressNanos = System.nanoTime();
            progress.notifyAll();
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Frames replies with the shared line decoder and hands each to the sink, in order. A reply with no newline is what
     * the end of the connection leaves of a reply it cut, unless it answers a last line that had none itself: a cut
     * reply never reaches the sink, and fails the session.
     */
    private final class ReplyHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            int end = frame.writerIndex();
            byte[] terminator = Line.NONE;
            if (end > frame.readerIndex() && frame.getByte(end - 1) == '\n') {
                boolean crlf = end - 1 > frame.readerIndex() && frame.getByte(end - 2) == '\r';
                terminator = crlf ? Line.CRLF : Line.LF;
            }
            long line;
            boolean cut;
            synchronized (progress) {
                line = repliesReceived + 1;
                cut = terminator == Line.NONE && !(lastLineUnterminated && line == linesSent);
            }
            if (cut) {
                fail(ctx, new ClientException(ExitCodes.CLOSED_EARLY, "the server closed the connection after "
                        + (line - 1) + " of " + linesSent + " replies, in the middle of the next one ("
                        + frame.readableBytes() + " bytes of it came, not written out)"));
                return;
            }
            try {
                sink.reply(line, frame.slice(frame.readerIndex(), frame.readableBytes() - terminator.length),
                        terminator);
            } catch (IOException e) {
                fail(ctx, new ClientException(ExitCodes.FAILED, "cannot write the output: " + e.getMessage(), e));
                return;
            }
            signal(() -> repliesReceived++);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushSink(ctx);
        }

        private void flushSink(ChannelHandlerContext ctx) {
            try {
                sink.flush();
            } catch (IOException e) {
                fail(ctx, new ClientException(ExitCodes.FAILED, "cannot write the output: " + e.getMessage(), e));
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            signal(() -> { });
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent || evt instanceof SslCloseCompletionEvent) {
                ctx.close(); // the server has sent all it will: whatever is still owed will not come
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            super.channelInactive(ctx);
            flushSink(ctx);
            signal(() -> closed = true);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, new ClientException(ExitCodes.CLOSED_EARLY, "connection to " + settings.host() + ":"
                    + settings.port() + " failed: " + cause.getMessage(), cause));
        }

        private void fail(ChannelHandlerContext ctx, ClientException error) {
            signal(() -> {
                if (failure == null) {
                    failure = error;
                }
            });
            ctx.close();
        }
    }
}
