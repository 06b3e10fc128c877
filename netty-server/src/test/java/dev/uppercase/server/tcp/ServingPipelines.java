package dev.uppercase.server.tcp;

import dev.uppercase.server.access.ConnectionLimit;
import dev.uppercase.server.access.SourceLimit;
import dev.uppercase.server.config.AddressRanges;
import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/** A channel with the real serving handlers of the plain TCP listener, as TcpServerInitializer adds them. */
final class ServingPipelines {
    private ServingPipelines() {}

    static EmbeddedChannel serving(ServerSettings settings) {
        ServerStats stats = new ServerStats();
        ConnectionLimit limit = new ConnectionLimit(settings.maxConnections(), stats, Counter.CONNECTIONS_REJECTED,
                "connections");
        DefaultChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        MemoryBudget budget = new MemoryBudget(settings.memoryBudget(), connections, stats,
                GlobalEventExecutor.INSTANCE);
        TcpServerInitializer initializer = new TcpServerInitializer(settings, connections, stats, limit,
                new SourceLimit(0, AddressRanges.none(), stats), budget, null);
        EmbeddedChannel channel = new EmbeddedChannel();
        initializer.addServingHandlers(channel.pipeline(), null);
        return channel;
    }
}
