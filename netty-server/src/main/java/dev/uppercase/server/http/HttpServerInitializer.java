package dev.uppercase.server.http;

import dev.uppercase.server.access.AddressGate;
import dev.uppercase.server.access.ConnectionLimit;
import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.linger.LingeringClose;
import dev.uppercase.server.ops.ServerStats;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP endpoint's pipeline: a small hardened server of its own, on its own event loop, so that scrapes cannot
 * delay line clients. The same --allow/--deny as the line service; a connection limit of its own (one more is answered
 * 503); an idle timeout and a request timeout; Netty's HTTP codec with limits on the request line and the headers;
 * whole requests, one at a time: the channel reads only when asked (auto-read off), and the next request is read (or
 * taken from the few a client pipelined) only once the response before it is written, so a client that pipelines
 * requests and reads no response makes the server hold one response, not thousands.
 *
 * <pre>
 * idle        IdleStateHandler       no byte in or out for the idle timeout: closed
 * timeouts    HttpTimeouts           a request not whole within the request timeout of its first byte: 408
 * http        HttpServerCodec        request line and headers up to their limit (else 414 or 431, by the endpoints)
 * aggregator  HttpObjectAggregator   whole requests (a body up to 8 KiB, else 413; a GET has none)
 * one-by-one  OneRequestAtATime      the next request once a response is written; 16 pipelined may wait
 * endpoints   HttpEndpointHandler    /metrics, /health/live, /health/ready; 4xx for what the codec could not read
 * </pre>
 *
 * Before any of these, a client --allow/--deny refuses is closed unanswered (AddressGate), and one over the limit is
 * answered 503 and closed.
 */
public final class HttpServerInitializer extends ChannelInitializer<SocketChannel> {
    /** Bodies are not read by any endpoint; this much is taken and dropped before 413. */
    private static final int MAX_BODY = 8 * 1024;
    /**
     * Pipelined requests that may wait for their turn: what one connection holds is this many requests of headers
     * and body at most (16 of 8 KiB + 8 KiB by default: 256 KiB), times --metrics-max-connections for them all.
     */
    private static final int MAX_WAITING_REQUESTS = 16;
    private static final String TOO_MANY_CONNECTIONS_BODY = "too many HTTP connections\n";
    /** Written raw: a connection turned away gets no HTTP codec. */
    private static final byte[] TOO_MANY_CONNECTIONS = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "content-type: text/plain; charset=utf-8\r\ncontent-length: " + TOO_MANY_CONNECTIONS_BODY.length()
            + "\r\nconnection: close\r\n\r\n" + TOO_MANY_CONNECTIONS_BODY).getBytes(StandardCharsets.US_ASCII);

    private final ServerSettings settings;
    private final ServerSettings.HttpLimits limits;
    private final ServerStats stats;
    private final AddressGate addressGate;
    private final ConnectionLimit limit;
    private final HttpEndpointHandler endpoints;
    private final ChannelGroup connections;

    /**
     * @param limit the endpoint's own connection limit (--metrics-max-connections)
     * @param connections where every accepted connection goes, for the stop to close before the event loop ends
     */
    public HttpServerInitializer(ServerSettings settings, ServerStats stats, ConnectionLimit limit,
            HttpEndpointHandler endpoints, ChannelGroup connections) {
        this.connections = connections;
        this.settings = settings;
        this.limits = settings.http();
        this.stats = stats;
        this.addressGate = new AddressGate(settings.addressFilter(), stats);
        this.limit = limit;
        this.endpoints = endpoints;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        // Closed by the stop while its loop still runs: a channel the loop's end closes fires channelInactive too
        // late for its handlers, and the codec's buffer would never be released.
        connections.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (addressGate.refuses(ch)) { // closed unanswered
            return;
        }
        if (!limit.tryOpen(ch)) { // counted and logged by the limit
            LingeringClose.close(ch, Unpooled.wrappedBuffer(TOO_MANY_CONNECTIONS), null, settings.lingerTimeout());
            return;
        }
        ch.closeFuture().addListener(f -> limit.release()); // a few connections at most: a listener each is nothing
        p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS))
                .addLast("timeouts", new HttpTimeouts(limits.requestTimeout(), stats, settings.lingerTimeout()))
                .addLast("http", new HttpServerCodec(limits.maxHeaderSize(), limits.maxHeaderSize(), MAX_BODY))
                .addLast("aggregator", new HttpObjectAggregator(MAX_BODY))
                .addLast("one-by-one", new OneRequestAtATime(MAX_WAITING_REQUESTS, settings.lingerTimeout()))
                .addLast("endpoints", endpoints);
    }
}
