package dev.uppercase.client;

import dev.uppercase.codec.Datagrams;
import dev.uppercase.codec.EmptyDatagrams;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lines over UDP, one datagram each, with up to {@code window} in flight. UDP may lose, duplicate or reorder, so:
 *
 * <ul>
 *   <li>a line without a reply within the timeout is sent again, up to the number of tries, then the session fails
 *       naming the line;
 *   <li>a reply is matched to a line by its content: by the protocol a line's reply is the upper case of the line,
 *       which the client computes with the same shared codec as the server. A datagram that answers no line in
 *       flight (a late duplicate of an answered one) is ignored. Lines with the same text have the same reply, so
 *       which of them a reply completes does not matter;
 *   <li>replies go to the sink in line order, whatever order they arrive in.
 * </ul>
 *
 * The socket is not connected (the JDK will not send an empty datagram on a connected socket, and an empty line is an
 * empty datagram), so datagrams from any address but the server's are ignored here, and a server that is not running
 * shows as a line without a reply after every try.
 */
final class UdpSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpSession.class);
    private final ClientSettings settings;
    private final ReplySink sink;
    private final Semaphore window;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final InetSocketAddress server;
    private Channel channel;

    // Event-loop state.
    private final TreeMap<Long, Request> inFlight = new TreeMap<>();
    private final Map<ByteBuffer, ArrayDeque<Request>> byExpectedReply = new HashMap<>();

    private final Object progress = new Object();
    private long linesSent;
    private long linesDone;
    private ClientException failure;

    private final class Request {
        final Line line;
        final ByteBuffer expected;
        int triesLeft = settings.tries();
        ScheduledFuture<?> timeout;
        ByteBuf reply; // set when answered but earlier lines are still open

        Request(Line line, ByteBuffer expected) {
            this.line = line;
            this.expected = expected;
        }
    }

    private UdpSession(ClientSettings settings, ReplySink sink, int window) {
        this.settings = settings;
        this.sink = sink;
        this.window = new Semaphore(window);
        this.server = new InetSocketAddress(settings.host(), settings.port());
    }

    static UdpSession open(ClientSettings settings, ReplySink sink, int window) throws ClientException {
        UdpSession session = new UdpSession(settings, sink, window);
        if (session.server.isUnresolved()) {
            session.close();
            throw Connections.cannotConnect(settings, new java.net.UnknownHostException(settings.host()));
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(session.group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.RECVBUF_ALLOCATOR, Datagrams.receiveAllocator(settings.maxDatagramSize()))
                .handler(session.new ReplyHandler());
        ChannelFuture bound = bootstrap.bind(0).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            session.close();
            throw Connections.cannotConnect(settings, bound.cause());
        }
        session.channel = bound.channel();
        return session;
    }

    /**
     * Sends one line; blocks while the window is full. A line whose datagram or reply would be over the maximum size is
     * not sent: it is reported on {@code refused} and counted as done.
     *
     * @return false if the line was refused
     */
    boolean send(Line line) throws ClientException {
        byte[] expected = line.expectedReply();
        if (line.content().length > settings.maxDatagramSize() || expected.length > settings.maxDatagramSize()) {
            return false;
        }
        try {
            window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ExitCodes.FAILED, "interrupted");
        }
        synchronized (progress) {
            throwIfFailed();
            linesSent++;
        }
        Request request = new Request(line, ByteBuffer.wrap(expected));
        channel.eventLoop().execute(() -> {
            inFlight.put(line.number(), request);
            byExpectedReply.computeIfAbsent(request.expected, k -> new ArrayDeque<>()).add(request);
            transmit(request);
        });
        return true;
    }

    /** On the event loop: sends (again) and arms the timeout. */
    private void transmit(Request request) {
        request.triesLeft--;
        if (request.line.content().length == 0) {
            try {
                EmptyDatagrams.send(channel, server);
            } catch (IOException e) {
                fail(new ClientException(ExitCodes.FAILED, "cannot send: " + e.getMessage(), e));
                return;
            }
        } else {
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(request.line.content()), server),
                    channel.voidPromise());
        }
        request.timeout = channel.eventLoop().schedule(() -> onTimeout(request),
                settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void onTimeout(Request request) {
        if (request.triesLeft > 0) {
            transmit(request);
            return;
        }
        fail(new ClientException(ExitCodes.TIMEOUT, "no reply to line " + request.line.number() + " from "
                + settings.host() + ":" + settings.port() + " (UDP) after " + settings.tries() + " tries of "
                + settings.timeout().toMillis() + " ms each — is the server running?"));
    }

    /** On the event loop: a datagram from the server. */
    private void onReply(ByteBuf content) throws IOException {
        ArrayDeque<Request> candidates = byExpectedReply.get(content.nioBuffer());
        if (candidates == null) {
            return; // a duplicate or late reply to a line already answered
        }
        Request request = candidates.poll();
        if (candidates.isEmpty()) {
            byExpectedReply.remove(request.expected);
        }
        request.timeout.cancel(false);
        request.reply = content.retain();
        // Hand over every answered line at the head, in order.
        while (!inFlight.isEmpty() && inFlight.firstEntry().getValue().reply != null) {
            Request done = inFlight.pollFirstEntry().getValue();
            try {
                sink.reply(done.line.number(), done.reply, done.line.terminator());
            } finally {
                done.reply.release();
            }
            window.release();
            synchronized (progress) {
                linesDone++;
                progress.notifyAll();
            }
        }
    }

    /** Waits until every line sent is answered, or the session fails. */
    void awaitReplies() throws ClientException {
        synchronized (progress) {
            while (linesDone < linesSent) {
                throwIfFailed();
                try {
                    progress.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClientException(ExitCodes.FAILED, "interrupted");
                }
            }
            throwIfFailed();
        }
    }

    private void throwIfFailed() throws ClientException {
        if (failure != null) {
            throw failure;
        }
    }

    private void fail(ClientException error) {
        synchronized (progress) {
            if (failure != null) {
                return;
            }
            failure = error;
            progress.notifyAll();
        }
        window.release(Integer.MAX_VALUE / 2); // unblocks a sender waiting for room, once
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
            channel.eventLoop().submit(() -> {
                for (Request r : inFlight.values()) {
                    if (r.reply != null) {
                        r.reply.release();
                    }
                }
                inFlight.clear();
            }).awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class ReplyHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!server.equals(packet.sender())) {
                return; // not from the server: not a reply
            }
            try {
                onReply(packet.content());
            } catch (IOException e) {
                fail(new ClientException(ExitCodes.FAILED, "cannot write the output: " + e.getMessage(), e));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            try {
                sink.flush();
            } catch (IOException e) {
                fail(new ClientException(ExitCodes.FAILED, "cannot write the output: " + e.getMessage(), e));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // On a datagram socket this is one datagram's trouble; the retries cover it.
            log.debug("UDP error, retries cover it: {}", cause.toString());
        }
    }
}
