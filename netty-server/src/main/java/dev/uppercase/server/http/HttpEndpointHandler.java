package dev.uppercase.server.http;

import dev.uppercase.server.linger.LingeringClose;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.OutOfMemory;
import dev.uppercase.server.ops.ServerStats;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP endpoints: {@code GET /metrics} (Prometheus text), {@code /health/live} (the process answers)
 * and {@code /health/ready} (200 once TCP and UDP are bound, 503 before and while draining). A request the codec could
 * not read is answered 414 (request line too long), 431 (headers too large) or 400, and the connection closed; so is
 * one that asks for the close. Every close is a lingering one: the response reaches a client still sending.
 */
@Sharable
public final class HttpEndpointHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;
    private final BooleanSupplier ready;
    private final ServerStats stats;
    private final Duration linger;

    /** @param linger how long a connection the endpoint closes keeps discarding input (--linger-timeout) */
    public HttpEndpointHandler(ServerMetrics metrics, BooleanSupplier ready, ServerStats stats, Duration linger) {
        this.metrics = metrics;
        this.ready = ready;
        this.stats = stats;
        this.linger = linger;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            stats.add(Counter.HTTP_BAD_REQUESTS);
            FullHttpResponse response = unreadable(request.decoderResult().cause());
            HttpUtil.setKeepAlive(response, false);
            LingeringClose.close(ctx.channel(), response, null, linger); // the decoder reads no more of it anyway
            return;
        }
        String path = request.uri().split("\\?", 2)[0];
        FullHttpResponse response;
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            response = HttpResponses.plain(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        } else if (path.equals("/metrics")) {
            response = HttpResponses.text(HttpResponseStatus.OK, PROMETHEUS_TEXT, metrics.scrape());
        } else if (path.equals("/health/live")) {
            response = HttpResponses.plain(HttpResponseStatus.OK, "live\n");
        } else if (path.equals("/health/ready")) {
            boolean isReady = ready.getAsBoolean();
            response = HttpResponses.plain(isReady ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    isReady ? "ready\n" : "not ready\n");
        } else {
            response = HttpResponses.plain(HttpResponseStatus.NOT_FOUND,
                    "not found: try /metrics, /health/live, /health/ready\n");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        if (keepAlive) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else {
            LingeringClose.close(ctx.channel(), response, null, linger);
        }
    }

    private static FullHttpResponse unreadable(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponses.plain(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long\n");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponses.plain(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers too large\n");
        }
        return HttpResponses.plain(HttpResponseStatus.BAD_REQUEST, "bad request\n");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        OutOfMemory.exitIf(cause);
        ctx.close();
    }
}
