package dev.uppercase.server.http;

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
import java.util.function.ToDoubleFunction;

/** The server's counters, the JVM's and Netty's, in a Prometheus registry (Micrometer). */
public final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** @param groups each event-loop group by the name its metrics are tagged with ({@code group="tcp"}) */
    public ServerMetrics(ServerStats stats, IntSupplier activeConnections, Map<String, EventLoopGroup> groups) {
        counter("uppercase_connections_opened", "TCP and TLS connections accepted and served", stats,
                ServerStats::connectionsOpened);
        counter("uppercase_connections_rejected", "TCP connections turned away at the connection limit", stats,
                ServerStats::connectionsRejected);
        counter("uppercase_connections_filtered", "TCP connections refused by --allow/--deny", stats,
                ServerStats::connectionsFiltered);
        Gauge.builder("uppercase_connections_active", activeConnections, IntSupplier::getAsInt)
                .description("TCP connections open now").strongReference(true).register(registry);
        counter("uppercase_lines_in", "TCP request lines answered", stats, ServerStats::linesReceived);
        counter("uppercase_bytes_in", "TCP bytes received", stats, ServerStats::bytesIn);
        counter("uppercase_bytes_out", "TCP bytes sent", stats, ServerStats::bytesOut);
        counter("uppercase_datagrams_in", "UDP datagrams received", stats, ServerStats::datagramsReceived);
        counter("uppercase_datagrams_out", "UDP replies sent", stats, ServerStats::datagramsAnswered);
        counter("uppercase_datagrams_dropped", "UDP datagrams over the size limit, from a filtered source, or over "
                + "their source's reply rate", stats,
                s -> s.datagramsTooLarge() + s.datagramsFiltered() + s.datagramsRateLimited());
        counter("uppercase_replies_too_large", "UDP replies not sent: over the datagram size limit", stats,
                ServerStats::repliesTooLarge);
        errors("line_too_long", stats, ServerStats::linesTooLong);
        errors("idle_close", stats, ServerStats::idleClosed);
        errors("decode_replaced", stats, ServerStats::decodeReplaced);
        errors("tls_handshake", stats, ServerStats::tlsFailed);
        errors("internal", stats, ServerStats::internalErrors);
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

    private void counter(String name, String description, ServerStats stats, ToDoubleFunction<ServerStats> value) {
        FunctionCounter.builder(name, stats, value).description(description).register(registry);
    }

    private void errors(String kind, ServerStats stats, ToDoubleFunction<ServerStats> value) {
        FunctionCounter.builder("uppercase_errors", stats, value).tag("kind", kind)
                .description("Inputs answered with an error or closed, by kind").register(registry);
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
