package dev.uppercase.server.http;

import dev.uppercase.server.linger.LingeringClose;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One request at a time, on a connection that reads only when asked (auto-read off): the first request is read when
 * the connection opens, each next one once the response before it has been written to the socket, so a client that
 * reads no response holds the server to that one response. Requests a client pipelines wait here, decoded, for their
 * turn, at most {@code maxWaiting} of them (Netty's FlowControlHandler would keep any number): one more is dropped,
 * and the connection closes once the waiting ones are answered, as it does once a client that half-closed has every
 * answer. (A read can bring many requests at once: the codec decodes all of a read, and Netty reads a half-closed
 * connection to its end whether asked or not.)
 *
 * <p>Stateful: one instance per channel.
 */
final class OneRequestAtATime extends ChannelDuplexHandler {
    private final int maxWaiting;
    private final Duration linger;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    /** A request has been handed on and its response is not written yet. */
    private boolean answering;
    /** No more requests are taken: the client half-closed, or pipelined more than may wait. */
    private boolean takesNoMore;

    OneRequestAtATime(int maxWaiting, Duration linger) {
        this.maxWaiting = maxWaiting;
        this.linger = linger;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object request) {
        if (takesNoMore) {
            ReferenceCountUtil.release(request);
        } else if (!answering) {
            answer(ctx, request);
        } else if (waiting.size() < maxWaiting) {
            waiting.add(request);
        } else {
            ReferenceCountUtil.release(request);
            takesNoMore = true; // the waiting ones are answered, then the connection closes
            LingeringClose.discardInput(ctx.pipeline());
        }
    }

    private void answer(ChannelHandlerContext ctx, Object request) {
        answering = true;
        ctx.fireChannelRead(request);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent) { // a response's end (a FullHttpResponse is one)
            promise = promise.unvoid();
            promise.addListener(written -> {
                if (written.isSuccess()) {
                    // Later, not within the write: a pipelined client's requests are answered one after another,
                    // not one inside the other.
                    ctx.executor().execute(() -> next(ctx));
                }
            });
        }
        ctx.write(msg, promise);
    }

    private void next(ChannelHandlerContext ctx) {
        answering = false;
        Object request = waiting.poll();
        if (request != null) {
            answer(ctx, request);
        } else if (takesNoMore) {
            LingeringClose.close(ctx.channel(), null, null, linger); // every request taken is answered
        } else {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            takesNoMore = true; // the codec has handed on the last whole request before this
            if (!answering) {
                ctx.close(); // nothing waits when nothing is being answered: the client has read its last response
                return;
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
    }
}
