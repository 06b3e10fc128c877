package dev.uppercase.server;

import dev.uppercase.codec.LineFrameDecoder;
import dev.uppercase.codec.Uppercase;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;

/** The TCP pipeline, in the order bytes flow: framing, decoding, encoding, the transform. */
final class TcpServerInitializer extends ChannelInitializer<SocketChannel> {
    private static final StringDecoder DECODER = new StringDecoder(Uppercase.CHARSET);
    private static final StringEncoder ENCODER = new StringEncoder(Uppercase.CHARSET);

    private final ServerSettings settings;
    private final ChannelGroup connections;
    private final ServerStats stats;
    private final UppercaseHandler uppercase;

    TcpServerInitializer(ServerSettings settings, ChannelGroup connections, ServerStats stats) {
        this.settings = settings;
        this.connections = connections;
        this.stats = stats;
        this.uppercase = new UppercaseHandler(settings, stats);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        connections.add(ch);
        stats.connectionsOpened.increment();
        ch.pipeline()
                .addLast("framer", new LineFrameDecoder(settings.maxLineLength(), settings.quietPeriod()))
                .addLast("decoder", DECODER)
                .addLast("encoder", ENCODER)
                .addLast("uppercase", uppercase);
    }
}
