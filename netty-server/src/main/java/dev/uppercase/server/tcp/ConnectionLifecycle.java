package dev.uppercase.server.tcp;

import dev.uppercase.cli.Durations;
import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.codec.LineFrameDecoder;
import dev.uppercase.codec.Uppercase;
import dev.uppercase.server.access.ClientAddress;
import dev.uppercase.server.access.ConnectionLimit;
import dev.uppercase.server.access.SourceLimit;
import dev.uppercase.server.linger.LingeringClose;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.OutOfMemory;
import dev.uppercase.server.ops.ServerStats;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one connection's life, from its admission under the connection limit to its close; last in the pipeline, so it
 * acts on each event once the replies it concerns have been written:
 *
 * <ul>
 *   <li><b>admission</b> ({@link Shared#admit}, before the connection gets any handler) and the place given back at
 *       the close;
 *   <li><b>the idle clock</b>: it is told of every frame answered, and notes, once per read batch, when a complete
 *       line came;
 *   <li><b>backpressure</b>: when the client first falls behind, the connection gets a BackpressureHandler;
 *   <li><b>the memory budget</b>: after each batch it reports what the server holds for the connection, and closes it
 *       when the budget is spent and it holds among the most ({@link MemoryBudget});
 *   <li><b>the end of input</b> (the client's half-close or close_notify): the connection closes once the replies are
 *       out; in a <b>drain</b> ({@link Event#DRAIN}, fired by the server as it stops) it half-closes instead, so the
 *       client reads every reply and then end of stream;
 *   <li><b>errors</b>: a failed socket closes; any other error sends the replies already made, then the error line in
 *       the next one's place, and answers nothing more.
 * </ul>
 *
 * <p>Every close the server decides on is a {@link LingeringClose}: the last line reaches a client that reads it.
 *
 * <p>Stateful: one instance per channel.
 */
public final class ConnectionLifecycle extends ChannelInboundHandlerAdapter implements IdleTimeouts.Watched {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLifecycle.class);

    /** What the server tells a connection, fired into its pipeline. */
    public enum Event {
        /** The server is stopping: answer what was read, then end the output. */
        DRAIN
    }

    private final Shared shared;
    private final IdleTimeouts idle;
    private final SslHandler ssl;
    private final LineFrameDecoder framer;
    private BackpressureHandler backpressure;
    /** What the server holds for this connection, as last measured (read by the memory budget's chooser). */
    private volatile long holding;
    /** Told to close for the memory budget: what it held then; or -1. */
    private volatile long heldWhenTold = -1;
    private ChannelHandlerContext ctx;
    /** Its slot on the idle clock, or -1: off it (or no clock). */
    private int idleSlot = -1;
    private boolean completeLineInBatch;
    private boolean draining;
    private boolean failed;

    /** What the connections of one listener share: the limit, where they count, the lines they may end with. */
    static final class Shared {
        final ServerStats stats;
        final ConnectionLimit limit;
        final SourceLimit sources;
        final MemoryBudget budget;
        final ChannelGroup connections;
        final boolean tls;
        final Duration linger;
        final byte[] tooManyConnections;
        final byte[] tooManyFromSource;
        final byte[] idleTimeout;
        final byte[] internalError = ErrorReplies.internalError().getBytes(Uppercase.CHARSET);

        /**
         * @param tls whether the listener is the TLS one
         * @param linger how long a connection the server ends keeps discarding input (see LingeringClose)
         */
        Shared(ServerStats stats, ConnectionLimit limit, SourceLimit sources, MemoryBudget budget,
                ChannelGroup connections, boolean tls, Duration idle, Duration linger) {
            this.stats = stats;
            this.limit = limit;
            this.sources = sources;
            this.budget = budget;
            this.connections = connections;
            this.tls = tls;
            this.linger = linger;
            this.tooManyConnections = ErrorReplies.tooManyConnections(limit.max()).getBytes(Uppercase.CHARSET);
            this.tooManyFromSource = ErrorReplies.tooManyConnectionsFromSource(sources.max())
                    .getBytes(Uppercase.CHARSET);
            this.idleTimeout = ErrorReplies.idleTimeout(idle.toMillis()).getBytes(Uppercase.CHARSET);
        }

        /**
         * Takes a new connection's place under the limit and its source's, before anything else is done for it (a
         * TLS handshake included), or, either limit reached, turns it away: then false, and it gets no handler. A
         * plain connection is told why, in a lingering close; a TLS one is closed at once, before any handshake, so
         * that a flood of them holds nothing (a line it could read would need the handshake first). An admitted
         * connection joins the ones a stop drains.
         */
        boolean admit(Channel ch) {
            if (!limit.tryOpen(ch)) { // counted and logged by the limit
                turnAway(ch, tooManyConnections);
                return false;
            }
            if (!sources.tryOpen(ClientAddress.of(ch))) { // counted and logged by the source limit
                limit.release();
                turnAway(ch, tooManyFromSource);
                return false;
            }
            connections.add(ch);
            stats.add(Counter.CONNECTIONS_OPENED);
            if (log.isDebugEnabled()) {
                logOpenAndClose(ch);
            }
            return true;
        }

        private void turnAway(Channel ch, byte[] line) {
            if (tls) {
                ch.close();
            } else {
                LingeringClose.close(ch, Unpooled.wrappedBuffer(line), null, linger);
            }
        }

        private void logOpenAndClose(Channel ch) {
            long openedNanos = System.nanoTime();
            SocketAddress remote = ClientAddress.of(ch);
            String listener = tls ? "TLS" : "TCP";
            log.debug("{} connection from {} opened ({} open)", listener, remote, connections.size());
            ch.closeFuture().addListener(f -> log.debug("{} connection from {} closed after {}", listener, remote,
                    Durations.format(Duration.ofNanos(System.nanoTime() - openedNanos))));
        }
    }

    /**
     * @param idle this connection's event loop's idle clock; null when there is no idle timeout
     * @param ssl the connection's SslHandler on the TLS listener; null on the plain one
     * @param framer the connection's framer, whose partial line the memory budget counts
     */
    ConnectionLifecycle(Shared shared, IdleTimeouts idle, SslHandler ssl, LineFrameDecoder framer) {
        this.shared = shared;
        this.idle = idle;
        this.ssl = ssl;
        this.framer = framer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (idle != null) {
            idle.watch(this);
        }
    }

    /** A frame the UppercaseHandler has answered (or, after an error, one that will not be): the idle clock's input. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object frame) {
        if (frame instanceof String lines) {
            // A partial line answered early or at the end does not keep a connection alive.
            completeLineInBatch |= !failed && lines.endsWith("\n");
        } else {
            ReferenceCountUtil.release(frame); // what the framer still held as it was taken out (dropHeldInput)
        }
    }

    /** The clock is read once per batch, not per frame: a batch takes microseconds, a reading of the clock does too. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        int read = framer.takeBytesRead();
        if (read > 0) {
            shared.stats.add(Counter.BYTES_IN, read);
        }
        if (completeLineInBatch) {
            completeLineInBatch = false;
            if (idleSlot >= 0) {
                idle.lineCame(idleSlot);
            }
        }
        measure(ctx);
    }

    /**
     * Reports to the memory budget what the server holds for this connection: its partial line, its held reads, its
     * queued replies. Most batches change none of them (a line answered leaves nothing behind): no shared counter is
     * touched then.
     */
    private void measure(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer queued = ctx.channel().unsafe().outboundBuffer();
        long now = framer.bufferCapacity() + (backpressure == null ? 0 : backpressure.heldBytes())
                + (queued == null ? 0 : queued.totalPendingWriteBytes());
        long delta = now - holding;
        if (delta != 0) {
            holding = now;
            shared.budget.change(delta);
        }
    }

    /** What the server holds for this connection, as last measured. */
    long holding() {
        return holding;
    }

    /** Whether this connection has been told to close for the memory budget. */
    boolean leaving() {
        return heldWhenTold >= 0;
    }

    /**
     * The memory budget is spent and this connection holds among the most: what it holds of its input goes at once,
     * and it is told so and closed. What it held when chosen, {@code held}, is given back to the budget's reckoning of
     * connections on their way out as soon as the input is dropped.
     */
    void overBudget(long held, byte[] line) {
        heldWhenTold = held;
        ctx.executor().execute(() -> {
            try {
                if (ctx.channel().isActive()) {
                    log.debug("closing connection from {}: over the memory budget, holding {} bytes",
                            ClientAddress.of(ctx.channel()), held);
                    endWith(line);
                    TcpPipeline.dropHeldInput(ctx.pipeline());
                    measure(ctx); // what is left: the replies still queued for it, until the close
                }
            } finally {
                shared.budget.left(held);
            }
        });
    }

    /** Answers no more lines and ends the connection with {@code line}, in a lingering close. */
    private void endWith(byte[] line) {
        TcpPipeline.stopAnswering(ctx.pipeline()); // nor a read held back until now: this line is the last
        shared.stats.add(Counter.BYTES_OUT, line.length);
        LingeringClose.close(ctx.channel(), Unpooled.wrappedBuffer(line), ssl, shared.linger);
    }

    @Override
    public void movedToIdleSlot(int slot) {
        idleSlot = slot;
    }

    /** Closes the connection for sending no complete line for the idle timeout, after a line saying so. */
    @Override
    public void idleTimedOut() {
        shared.stats.add(Counter.IDLE_CLOSED);
        log.debug("closing connection from {}: idle timeout", ClientAddress.of(ctx.channel()));
        endWith(shared.idleTimeout);
    }

    /** The client is not reading its replies: from now on this connection is held back while it is not. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (backpressure == null && !ctx.channel().isWritable()) {
            backpressure = TcpPipeline.addBackpressure(ctx.pipeline(), shared.stats);
        }
        measure(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Event.DRAIN) {
            drain(ctx);
        } else if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded(ctx);
        }
    }

    /** A stop: every line already read is answered, then the output ends (see {@link #inputEnded}). */
    private void drain(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (ssl != null && !ssl.handshakeFuture().isSuccess()) {
            ctx.close(); // not yet through its handshake: nothing to answer
            return;
        }
        draining = true;
        TcpPipeline.drain(ctx.pipeline());
    }

    /**
     * The end of this connection's input, reaching here after every reply to what came before it was written. If the
     * client ended it, close once the replies are out. In a drain, end only the output: the client reads every reply,
     * then end of stream, and the DrainHandler closes when the client does.
     */
    private void inputEnded(ChannelHandlerContext ctx) {
        ChannelFuture written = ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
        if (draining && !((DuplexChannel) ctx.channel()).isInputShutdown()) {
            written.addListener(f -> endOutput(ctx));
        } else {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Half-closes; over TLS, says close_notify first, so the client can tell the end from a truncation. */
    private void endOutput(ChannelHandlerContext ctx) {
        DuplexChannel ch = (DuplexChannel) ctx.channel();
        ChannelFuture notified = ssl == null ? ch.newSucceededFuture() : ssl.closeOutbound();
        notified.addListener(f -> ch.shutdownOutput());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        OutOfMemory.exitIf(cause);
        if (cause instanceof IOException) { // the socket itself failed (reset, broken pipe): nothing more gets through
            log.debug("connection from {} failed: {}", ClientAddress.of(ctx.channel()), cause.toString());
            ctx.close();
            return;
        }
        if (failed) { // the error line's own way out failed as well
            log.warn("closing connection from {}: {}", ClientAddress.of(ctx.channel()), cause.toString(), cause);
            ctx.close();
            return;
        }
        failed = true;
        shared.stats.add(Counter.INTERNAL_ERRORS);
        log.warn("closing connection from {} after an error: {}", ClientAddress.of(ctx.channel()), cause.toString(),
                cause);
        // The socket still carries bytes: the replies already made are out (the UppercaseHandler wrote its batch
        // before passing the error on), then the error line takes the next reply's place, then the close. Nothing
        // more is read or answered, so no later line's answer can be taken for this one's.
        endWith(shared.internalError);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        shared.limit.release();
        shared.sources.release(ClientAddress.of(ctx.channel()));
        shared.budget.change(-holding);
        holding = 0;
        if (idleSlot >= 0) {
            idle.forget(idleSlot);
        }
        ctx.fireChannelInactive();
    }
}
