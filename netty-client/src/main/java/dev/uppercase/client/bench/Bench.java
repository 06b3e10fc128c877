package dev.uppercase.client.bench;

import dev.uppercase.cli.CommandLines;
import dev.uppercase.cli.Durations;
import dev.uppercase.cli.Ports;
import dev.uppercase.client.ExitCodes;
import dev.uppercase.codec.Datagrams;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
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
public final class Bench {
    @CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "MODE", defaultValue = "tcp-rr",
            converter = Mode.Converter.class,
            description = "tcp-rr, tcp-pipeline, connect or udp (default ${DEFAULT-VALUE}).")
    Mode mode;

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

    /** The command line of bench mode, its defaults from {@code env}. */
    public static CommandLine commandLine(Map<String, String> env) {
        return CommandLines.create(new Bench(), env);
    }

    /** Runs the load and prints the report; returns the exit code. */
    public int run(PrintStream out, PrintStream err) throws InterruptedException {
        if (connections < 1 || depth < 1 || size < 1 || size > Datagrams.MAX_IPV4_PAYLOAD || duration.isZero()) {
            err.println("uppercase-client bench: connections, depth and size must be at least 1 (size at most "
                    + Datagrams.MAX_IPV4_PAYLOAD + "), duration more than 0");
            return ExitCodes.USAGE;
        }
        int inFlight = mode.inFlight(depth);
        InetSocketAddress server = new InetSocketAddress(host, port);
        Measurement measurement = new Measurement(size);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        try {
            for (int i = 0; i < connections; i++) {
                switch (mode) {
                    case UDP -> UdpLoad.start(group, server, measurement, i, inFlight);
                    case CONNECT -> ConnectLoad.start(group, server, measurement, i);
                    default -> TcpLoad.start(group, server, measurement, i, inFlight);
                }
            }
            err.printf("bench %s: %s:%d, %d %s, %d in flight each, %d-byte %s, warm-up %s, measuring %s%n", mode,
                    host, port, connections, mode == Mode.UDP ? "sockets" : "connections", inFlight, size,
                    mode == Mode.UDP ? "datagrams" : "lines", Durations.format(warmup), Durations.format(duration));
            return measure(measurement, inFlight, out, err);
        } finally {
            measurement.stop();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** After the warm-up, a progress line each second, then the report. */
    private int measure(Measurement measurement, int inFlight, PrintStream out, PrintStream err)
            throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(warmup.toMillis()); // the load runs; this thread only keeps time
        measurement.latency.reset();
        long startCount = measurement.done.get();
        long start = System.nanoTime();
        Histogram total = new Histogram(3);
        long end = start + duration.toNanos();
        long last = startCount;
        while (System.nanoTime() < end && measurement.errors.get() == 0) {
            TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            Histogram interval = measurement.latency.getIntervalHistogram();
            total.add(interval);
            long now = measurement.done.get();
            err.printf("  %5.1fs  %,12d %s/s  p50 %,7d us  p99 %,7d us  errors %d%n",
                    (System.nanoTime() - start) / 1e9, now - last, mode.unit(),
                    interval.getValueAtPercentile(50) / 1000, interval.getValueAtPercentile(99) / 1000,
                    measurement.errors.get());
            last = now;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long count = measurement.done.get() - startCount;
        measurement.stop();
        out.printf(Locale.ROOT, "mode=%s connections=%d in_flight=%d size=%d seconds=%.1f%n", mode, connections,
                inFlight, size, seconds);
        out.printf(Locale.ROOT, "%s/s=%.0f  MB/s=%.1f%n", mode.unit(), count / seconds,
                count * (double) (size + (mode == Mode.UDP ? 0 : 1)) / seconds / 1e6);
        out.printf(Locale.ROOT, "latency_us p50=%d p90=%d p99=%d p99.9=%d max=%d%n",
                total.getValueAtPercentile(50) / 1000, total.getValueAtPercentile(90) / 1000,
                total.getValueAtPercentile(99) / 1000, total.getValueAtPercentile(99.9) / 1000,
                total.getMaxValue() / 1000);
        long errors = measurement.errors.get();
        out.printf("errors=%d%s%n", errors,
                measurement.firstError() == null ? "" : " (first: " + measurement.firstError() + ")");
        return errors == 0 && count > 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
