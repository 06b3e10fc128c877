package dev.uppercase.server.tcp;

import dev.uppercase.server.config.ServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one line through the server's real TCP pipeline (the handlers {@link TcpServerInitializer} adds to
 * every served connection, on an {@code EmbeddedChannel}): reads of 64 pipelined lines, as the benchmark kit's
 * clients send them, decoded, answered and flushed. Scores are per line; with {@code -prof gc},
 * {@code gc.alloc.rate.norm} is the bytes allocated per line.
 *
 * <pre> mvn -B -ntp -DskipTests install mvn -B -ntp -pl netty-server -Pjmh test-compile exec:exec
 * -Djmh.args="TcpPipelineBenchmark -prof gc"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TcpPipelineBenchmark {
    private static final int LINES_PER_READ = 64;
    private static final int READS = 64;

    /** Bytes per line, its newline included: the kit's two pipelined scenarios. */
    @Param({"33", "1025"})
    public int lineLength;

    private EmbeddedChannel channel;
    private ByteBuf read;

    @Setup
    public void setUp() {
        channel = ServingPipelines.serving(ServerSettings.builder().port(0).build());
        read = Unpooled.directBuffer(LINES_PER_READ * lineLength);
        for (int i = 0; i < LINES_PER_READ; i++) {
            StringBuilder line = new StringBuilder();
            while (line.length() < lineLength - 1) {
                line.append((char) ('a' + (i + line.length()) % 26)); // lower-case letters, as the kit sends
            }
            read.writeBytes((line + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    @TearDown
    public void tearDown() {
        read.release();
        channel.finishAndReleaseAll();
    }

    /**
     * Sixty-four reads, on a thread Netty treats as one of its own (as an event loop is: a
     * {@code FastThreadLocalThread}, which gets thread-local scratch arrays that other threads would allocate anew
     * each time).
     */
    @Benchmark
    @OperationsPerInvocation(READS * LINES_PER_READ)
    public int pipelinedLines() {
        int[] replies = {0};
        FastThreadLocalThread.runWithFastThreadLocal(() -> {
            for (int i = 0; i < READS; i++) {
                // A read buffer from the channel's allocator, filled as the transport fills it from the socket.
                ByteBuf in = channel.alloc().ioBuffer(read.readableBytes());
                in.writeBytes(read, read.readerIndex(), read.readableBytes());
                channel.writeInbound(in);
                Object reply;
                while ((reply = channel.readOutbound()) != null) {
                    ReferenceCountUtil.release(reply);
                    replies[0]++;
                }
            }
        });
        return replies[0];
    }
}
