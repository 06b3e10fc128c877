package dev.uppercase.codec.bench;

import dev.uppercase.codec.LineFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Framing a 64 KiB read of pipelined lines: the cost per read batch, divided by the lines in it. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LineFramingBenchmark {
    @Param({"32", "1024"})
    public int lineLength;

    private EmbeddedChannel channel;
    private ByteBuf read;

    @Setup
    public void setUp() {
        channel = new EmbeddedChannel(new LineFrameDecoder(64 * 1024, Duration.ZERO));
        byte[] line = ("x".repeat(lineLength - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
        read = Unpooled.directBuffer(64 * 1024);
        while (read.writableBytes() >= line.length) {
            read.writeBytes(line);
        }
    }

    @Benchmark
    public int frameOneRead() {
        channel.writeInbound(read.retainedDuplicate());
        int frames = 0;
        ByteBuf frame;
        while ((frame = channel.readInbound()) != null) {
            frame.release();
            frames++;
        }
        return frames;
    }

    @TearDown
    public void tearDown() {
        read.release();
        channel.finishAndReleaseAll();
    }
}
