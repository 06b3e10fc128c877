package dev.uppercase.server.udp;

import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.ops.ServerStats;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramChannel;

/** The UDP pipeline: one datagram in, its upper case out. */
public final class UdpServerInitializer extends ChannelInitializer<DatagramChannel> {
    private final DatagramUppercaseHandler uppercase;

    public UdpServerInitializer(ServerSettings settings, ServerStats stats) {
        this.uppercase = new DatagramUppercaseHandler(settings, stats);
    }

    @Override
    protected void initChannel(DatagramChannel ch) {
        ch.pipeline().addLast("uppercase", uppercase);
    }
}
