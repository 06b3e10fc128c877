package dev.uppercase.server.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/** The HTTP pipeline of the metrics and health endpoint: Netty's HTTP codec, whole requests, the endpoints. */
public final class MetricsServerInitializer extends ChannelInitializer<SocketChannel> {
    private final HttpEndpointHandler endpoints;

    public MetricsServerInitializer(HttpEndpointHandler endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast("http", new HttpServerCodec())
                .addLast("aggregator", new HttpObjectAggregator(8 * 1024))
                .addLast("endpoints", endpoints);
    }
}
