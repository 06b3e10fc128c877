package dev.uppercase.server.http;

import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.EventLoopGroup;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** The server's counters, the JVM's and Netty's, in a Prometheus registry (Micrometer). */
public final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** @param groups each event-loop group by the name its metrics are tagged with ({@code group="tcp"}) */
    /** @param memoryHeld bytes the server holds for all TCP connections now (the memory budget's measure) */
    public ServerMetrics(ServerStats stats, IntSupplier activeConnections, LongSupplier memoryHeld,
            Map<String, EventLoopGroup> groups) {
        for (Counter counter : Counter.values()) {
            FunctionCounter.Builder<ServerStats> meter = FunctionCounter.builder(counter.metric(), stats,
                    s -> s.get(counter)).description(counter.help());
            if (!counter.labelName().isEmpty()) {
                meter.tag(counter.labelName(), counter.labelValue());
            }
            meter.register(registry);
        }
        Gauge.builder("uppercase_connections_active", activeConnections, IntSupplier::getAsInt)
                .description("TCP connections open now").strongReference(true).register(registry);
        Gauge.builder("uppercase_memory_held_bytes", memoryHeld, LongSupplier::getAsLong)
                .description("Bytes held for all TCP connections (partial lines, held reads, queued replies): what "
                        + "--memory-budget bounds").strongReference(true).register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider) { // the allocator the channels use
            new NettyAllocatorMetrics((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).bindTo(registry);
        }
        // Netty's binder names its gauges the same for every group: untagged, the second group's would be dropped.
        groups.forEach((name, group) -> new NettyEventExecutorMetrics(group, Tags.of("group", name)).bindTo(registry));
    }

    /** The Prometheus text exposition of every meter. */
    String scrape() {
        return registry.scrape();
    }

    public void close() {
        gc.close();
        registry.close();
    }
}
