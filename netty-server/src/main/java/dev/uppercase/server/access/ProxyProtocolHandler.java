package dev.uppercase.server.access;

import dev.uppercase.server.ops.WarningThrottle;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behind Netty's HAProxyMessageDecoder, on a connection from a listed proxy: takes the client's address from the PROXY
 * protocol header (v1 or v2), as what the connection serves ({@link ClientAddress}), then hands the connection on to
 * be served as any other, and leaves the pipeline. The header is required: a connection that sends anything else is
 * closed by the decoder (the specification forbids guessing), and one that sends nothing within the timeout is closed
 * here. A header the proxy sends for its own health checks ({@code LOCAL}), or for a protocol it does not name, leaves
 * the connection's own address as the client's.
 *
 * <p>Stateful: one instance per channel.
 */
public final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private final Duration timeout;
    private final Consumer<Channel> serve;
    private final WarningThrottle failedWarning;
    private ScheduledFuture<?> deadline;

    /**
     * @param serve what the connection gets once its client is known: the rest of its pipeline
     * @param failedWarning where a connection closed for a bad or missing header is logged (shared by a listener)
     */
    public ProxyProtocolHandler(Duration timeout, Consumer<Channel> serve, WarningThrottle failedWarning) {
        this.timeout = timeout;
        this.serve = serve;
        this.failedWarning = failedWarning;
    }

    public static WarningThrottle newWarning() {
        return new WarningThrottle(log, Duration.ofSeconds(10));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            failedWarning.warn("closed a connection from proxy {}: no PROXY protocol header within {}",
                    ctx.channel().remoteAddress(), timeout);
            ctx.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) { // cannot be: the decoder hands on nothing before the header
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        try {
            deadline.cancel(false);
            if (header.command() == HAProxyCommand.PROXY && (header.proxiedProtocol() == HAProxyProxiedProtocol.TCP4
                    || header.proxiedProtocol() == HAProxyProxiedProtocol.TCP6)) {
                InetAddress client = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
                if (client != null) { // the decoder has checked it is one: no name is ever looked up
                    ClientAddress.setProxied(ctx.channel(), new InetSocketAddress(client, header.sourcePort()));
                }
            }
        } finally {
            header.release();
        }
        ctx.pipeline().remove(this);
        serve.accept(ctx.channel()); // what the proxy sent after the header follows, once the decoder has gone
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failedWarning.warn("closed a connection from proxy {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.cancel(false);
        ctx.fireChannelInactive();
    }
}
