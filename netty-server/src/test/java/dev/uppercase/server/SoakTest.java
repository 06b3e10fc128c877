package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uppercase.testing.Await;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not part of the default run (tag "soak"; see docs/limits.md for the command). The server runs as its own process;
 * this test holds 10,000 connections to it for a few minutes, has every one of them answered in each round, and records
 * the server's memory and file descriptors before, during and after.
 */
@Tag("soak")
class SoakTest {
    private static final int CONNECTIONS = Integer.getInteger("soak.connections", 10_000);
    private static final Duration HOLD = Duration.ofSeconds(Long.getLong("soak.seconds", 180));

    @Test
    void tenThousandConnectionsHeldAndServedThenNothingLeaks() throws Exception {
        Process server = new ProcessBuilder(
                        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-cp", System.getProperty("java.class.path"), UppercaseServer.class.getName(),
                        "--bind", "127.0.0.1", "--port", "0")
                .redirectErrorStream(true)
                .start();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        List<String> figures = new ArrayList<>();
        try {
            BufferedReader log = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            int port = ServerProcessTest.readyTcpPort(log);
            Thread drain = new Thread(() -> log.lines().forEach(l -> { }), "server-log");
            drain.setDaemon(true);
            drain.start();
            long pid = server.pid();
            long fdsBefore = fds(pid);
            figures.add(sample("before", pid));

            AtomicLong replies = new AtomicLong();
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LineBasedFrameDecoder(1024),
                                    new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                    if (msg.toString(StandardCharsets.US_ASCII).startsWith("SOAK ")) {
                                        replies.incrementAndGet();
                                    }
                                }
                            });
                        }
                    });
            List<Channel> channels = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                channels.add(bootstrap.connect("127.0.0.1", port).sync().channel());
            }
            figures.add(sample("connected", pid));

            long deadline = System.nanoTime() + HOLD.toNanos();
            int round = 0;
            while (System.nanoTime() < deadline) {
                round++;
                long expected = (long) round * CONNECTIONS;
                byte[] line = ("soak round " + round + "\n").getBytes(StandardCharsets.US_ASCII);
                for (Channel ch : channels) {
                    ch.writeAndFlush(Unpooled.wrappedBuffer(line));
                }
                Await.until("round " + round + " answered on every connection",
                        () -> replies.get() == expected);
                figures.add(sample("round " + round, pid));
                TimeUnit.SECONDS.sleep(10); // the pace of the soak: connections held idle between rounds
            }
            for (Channel ch : channels) {
                ch.close();
            }
            for (Channel ch : channels) {
                ch.closeFuture().sync();
            }
            // Nothing leaks back: the server returns to the descriptors it had before any client came.
            Await.until("the server to let go of every connection", () -> fds(pid) <= fdsBefore + 10);
            figures.add(sample("after", pid));
            assertEquals((long) round * CONNECTIONS, replies.get());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            server.toHandle().destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            server.destroyForcibly();
            Path out = Paths.get("target", "soak-figures.txt");
            Files.write(out, figures);
            figures.forEach(System.out::println);
        }
    }

    /** Descriptors, resident memory, and the live heap after a full collection (what connections really hold). */
    private static String sample(String when, long pid) throws IOException, InterruptedException {
        String rss = Files.readAllLines(Paths.get("/proc", "" + pid, "status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        jcmd(pid, "GC.run");
        Matcher used = Pattern.compile("total \\d+K, used (\\d+K)").matcher(jcmd(pid, "GC.heap_info"));
        return String.format("%-10s fds=%d %s, live heap %s", when, fds(pid), rss, used.find() ? used.group(1) : "?");
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
                "" + pid, command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static long fds(long pid) {
        try (var files = Files.list(Paths.get("/proc", "" + pid, "fd"))) {
            return files.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
