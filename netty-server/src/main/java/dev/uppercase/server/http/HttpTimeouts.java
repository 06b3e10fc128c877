package dev.uppercase.server.http;

import dev.uppercase.server.linger.LingeringClose;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ahead of the HTTP codec, on raw bytes: a request must have arrived whole (and so been answered) within the request
 * timeout of its first byte, or the connection is answered 408 and closed, so a header sent one byte a second cannot
 * hold a connection. A connection with no byte in or out for the idle timeout (an IdleStateHandler's event) is closed.
 *
 * <p>Stateful: one instance per channel.
 */
final class HttpTimeouts extends ChannelDuplexHandler {
    private final long requestTimeoutNanos;
    private final ServerStats stats;
    private final Duration linger;
    private ScheduledFuture<?> deadline;

    HttpTimeouts(Duration requestTimeout, ServerStats stats, Duration linger) {
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.stats = stats;
        this.linger = linger;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (deadline == null && msg instanceof ByteBuf bytes && bytes.isReadable()) { // a request's first byte
            deadline = ctx.executor().schedule(() -> timedOut(ctx), requestTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    /** A response on its way out: its request came whole. The next request's clock starts at its first byte. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        cancelDeadline();
        ctx.write(msg, promise);
    }

    private void timedOut(ChannelHandlerContext ctx) {
        deadline = null;
        stats.add(Counter.HTTP_BAD_REQUESTS);
        FullHttpResponse response = HttpResponses.plain(HttpResponseStatus.REQUEST_TIMEOUT,
                "request not whole in time\n");
        HttpUtil.setKeepAlive(response, false);
        LingeringClose.close(ctx.channel(), response, null, linger);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // nothing is owed: a response not written for this long is not being read either
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        ctx.fireChannelInactive();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
