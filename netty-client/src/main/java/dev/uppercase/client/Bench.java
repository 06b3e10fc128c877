package dev.uppercase.client;

import dev.uppercase.cli.CommandLines;
import dev.uppercase.cli.Durations;
import dev.uppercase.cli.Ports;
import dev.uppercase.codec.Datagrams;
import dev.uppercase.codec.LineFrameDecoder;
import dev.uppercase.codec.Uppercase;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The project's load generator ({@code java -jar netty-client.jar bench ...}), as redis-benchmark is Redis's: keeps
 * a load on the server, checks every reply byte against the upper case of its request, and prints throughput and
 * latency percentiles (HdrHistogram), with a progress line each second on standard error.
 */
@Command(
        name = "uppercase-client bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Loads the server and measures it; every reply is checked.",
            "  tcp-rr        c connections, one line in flight on each",
            "  tcp-pipeline  c connections, d lines in flight on each",
            "  connect       a new connection per line (c in flight), as the textbook client does",
            "  udp           c sockets, d datagrams in flight on each (a datagram unanswered in 1 s is lost)",
            ""
        })
final class Bench {
    @CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "MODE", defaultValue = "tcp-rr",
            description = "tcp-rr, tcp-pipeline, connect or udp (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "localhost",
            description = "Server host (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + Ports.DEFAULT,
            description = "Server port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "50",
            description = "Connections or sockets (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = {"-d", "--depth"}, paramLabel = "N", defaultValue = "64",
            description = "Lines or datagrams in flight per connection, for tcp-pipeline and udp "
                    + "(default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = {"-s", "--size"}, paramLabel = "BYTES", defaultValue = "32",
            description = "Bytes per line or datagram (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s",
            description = "Measured time (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s",
            description = "Unmeasured time first (default ${DEFAULT-VALUE}).")
    Duration warmup;

    private final Recorder latency = new Recorder(3);
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile String firstError;
    private volatile boolean running = true;
    private EventLoopGroup group;
    private InetSocketAddress server;

    static CommandLine commandLine(Map<String, String> env) {
        return CommandLines.create(new Bench(), env);
    }

    int run(PrintStream out, PrintStream err) throws InterruptedException {
        int inFlight = mode.equals("tcp-rr") || mode.equals("connect") ? 1 : depth;
        if (!Set.of("tcp-rr", "tcp-pipeline", "connect", "udp").contains(mode)) {
            err.println("uppercase-client bench: unknown mode '" + mode + "' (tcp-rr, tcp-pipeline, connect, udp)");
            return ExitCodes.USAGE;
        }
        if (connections < 1 || depth < 1 || size < 1 || size > Datagrams.MAX_IPV4_PAYLOAD || duration.isZero()) {
            err.println("uppercase-client bench: connections, depth and size must be at least 1 (size at most "
                    + Datagrams.MAX_IPV4_PAYLOAD + "), duration more than 0");
            return ExitCodes.USAGE;
        }
        server = new InetSocketAddress(host, port);
        group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        try {
            for (int i = 0; i < connections; i++) {
                if (mode.equals("udp")) {
                    startUdp(i, inFlight);
                } else if (mode.equals("connect")) {
                    connectOnce(i);
                } else {
                    startTcp(i, inFlight);
                }
            }
            err.printf("bench %s: %s:%d, %d %s, %d in flight each, %d-byte %s, warm-up %s, measuring %s%n", mode,
                    host, port, connections, mode.equals("udp") ? "sockets" : "connections", inFlight, size,
                    mode.equals("udp") ? "datagrams" : "lines", Durations.format(warmup), Durations.format(duration));
            TimeUnit.MILLISECONDS.sleep(warmup.toMillis()); // the load runs; this thread only keeps time
            latency.reset();
            long startCount = done.get();
            long start = System.nanoTime();
            Histogram total = new Histogram(3);
            long end = start + duration.toNanos();
            long last = startCount;
            while (System.nanoTime() < end && errors.get() == 0) {
                TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                Histogram interval = latency.getIntervalHistogram();
                total.add(interval);
                long now = done.get();
                err.printf("  %5.1fs  %,12d %s/s  p50 %,7d us  p99 %,7d us  errors %d%n",
                        (System.nanoTime() - start) / 1e9, now - last, unit(), interval.getValueAtPercentile(50) / 1000,
                        interval.getValueAtPercentile(99) / 1000, errors.get());
                last = now;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long count = done.get() - startCount;
            running = false;
            out.printf(Locale.ROOT, "mode=%s connections=%d in_flight=%d size=%d seconds=%.1f%n", mode, connections,
                    inFlight, size, seconds);
            out.printf(Locale.ROOT, "%s/s=%.0f  MB/s=%.1f%n", unit(), count / seconds,
                    count * (double) (size + (mode.equals("udp") ? 0 : 1)) / seconds / 1e6);
            out.printf(Locale.ROOT, "latency_us p50=%d p90=%d p99=%d p99.9=%d max=%d%n",
                    total.getValueAtPercentile(50) / 1000, total.getValueAtPercentile(90) / 1000,
                    total.getValueAtPercentile(99) / 1000, total.getValueAtPercentile(99.9) / 1000,
                    total.getMaxValue() / 1000);
            out.printf("errors=%d%s%n", errors.get(), firstError == null ? "" : " (first: " + firstError + ")");
            return errors.get() == 0 && count > 0 ? ExitCodes.OK : ExitCodes.FAILED;
        } finally {
            running = false;
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private String unit() {
        return mode.equals("connect") ? "connections" : mode.equals("udp") ? "datagrams" : "lines";
    }

    private void error(String what) {
        if (errors.getAndIncrement() == 0) {
            firstError = what;
        }
    }

    /** A request: {@code size} bytes of lower-case text, numbered so that any reply can be checked and matched. */
    private byte[] payload(long n) {
        byte[] p = new byte[size];
        String number = Long.toString(n, 26); // digits and a-p: upper-cased in the reply, still readable
        for (int i = 0; i < size; i++) {
            p[i] = i < number.length() ? (byte) number.charAt(i) : (byte) ('a' + (n + i) % 26);
        }
        return p;
    }

    /** {@code reply} is {@code expected} and its newline: a reply the connection's end cut short has none. */
    private static boolean isWholeReply(ByteBuf reply, byte[] expected) {
        return reply.readableBytes() == expected.length + 1
                && ByteBufUtil.equals(reply, reply.readerIndex(), Unpooled.wrappedBuffer(expected), 0, expected.length);
    }

    private static byte[] upper(byte[] request) {
        return Uppercase.toUtf8(new String(request, StandardCharsets.UTF_8));
    }

    private void startTcp(int id, int inFlight) throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LineFrameDecoder(size + 1, Duration.ZERO), new TcpLoad(id, inFlight));
                    }
                });
        b.connect(server).sync();
    }

    /** Keeps {@code inFlight} lines outstanding on one connection; checks each reply, records its latency. */
    private final class TcpLoad extends SimpleChannelInboundHandler<ByteBuf> {
        private final ArrayDeque<long[]> sent = new ArrayDeque<>(); // {sequence, nanoTime}
        private final int inFlight;
        private long next;

        TcpLoad(int id, int inFlight) {
            this.inFlight = inFlight;
            this.next = (long) id << 32;
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
            ByteBuf line = ctx.alloc().buffer(size + 1).writeBytes(payload(n)).writeByte('\n');
            ctx.write(line, ctx.voidPromise());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf reply) {
            long[] request = sent.poll();
            if (request == null) {
                error("a reply to no request");
                return;
            }
            byte[] expected = upper(payload(request[0]));
            if (!isWholeReply(reply, expected)) {
                error("line " + request[0] + ": wrong reply '" + reply.toString(StandardCharsets.UTF_8).trim() + "'");
            }
            latency.recordValue(System.nanoTime() - request[1]);
            done.incrementAndGet();
            if (running) {
                send(ctx);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error(cause.toString());
            ctx.close();
        }
    }

    /** One textbook exchange on a new connection; when it ends, the next one starts. */
    private void connectOnce(int id) {
        if (!running) {
            return;
        }
        long n = done.get() + ((long) id << 40);
        byte[] request = payload(n);
        byte[] expected = upper(request);
        long started = System.nanoTime();
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LineFrameDecoder(size + 1, Duration.ZERO),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    public void channelActive(ChannelHandlerContext ctx) {
                                        ctx.writeAndFlush(Unpooled.wrappedBuffer(request, new byte[] {'\n'}));
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf reply) {
                                        if (!isWholeReply(reply, expected)) {
                                            error("wrong reply on a new connection");
                                        }
                                        latency.recordValue(System.nanoTime() - started);
                                        done.incrementAndGet();
                                        ctx.close().addListener(f -> connectOnce(id));
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        error(cause.toString());
                                        ctx.close();
                                    }
                                });
                    }
                })
                .connect(server)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        error("connect: " + f.cause());
                    }
                });
    }

    private void startUdp(int id, int inFlight) throws InterruptedException {
        UdpLoad load = new UdpLoad(id, inFlight);
        Channel ch = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.RECVBUF_ALLOCATOR, Datagrams.receiveAllocator(Datagrams.MAX_IPV4_PAYLOAD))
                .handler(load).bind(0).sync().channel();
        ch.eventLoop().execute(() -> load.refill(ch));
        // Datagrams unanswered for a second are lost: forget them, so the window does not shrink for good.
        ch.eventLoop().scheduleAtFixedRate(() -> load.expire(ch), 100, 100, TimeUnit.MILLISECONDS);
    }

    /** Keeps {@code inFlight} datagrams outstanding on one socket; matches replies by their number; 1 s is lost. */
    private final class UdpLoad extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Map<String, Long> sentAt = new HashMap<>();
        private final int inFlight;
        private long next;

        UdpLoad(int id, int inFlight) {
            this.inFlight = inFlight;
            this.next = (long) id << 32;
        }

        void expire(Channel ch) {
            long now = System.nanoTime();
            sentAt.values().removeIf(t -> now - t > TimeUnit.SECONDS.toNanos(1));
            refill(ch);
        }

        void refill(Channel ch) {
            while (running && sentAt.size() < inFlight) {
                byte[] request = payload(next);
                sentAt.put(new String(upper(request), StandardCharsets.ISO_8859_1), System.nanoTime());
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
            latency.recordValue(System.nanoTime() - at);
            done.incrementAndGet();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            refill(ctx.channel());
        }
    }
}
