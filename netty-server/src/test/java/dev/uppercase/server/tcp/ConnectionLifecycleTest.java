package dev.uppercase.server.tcp;

import static dev.uppercase.testing.EmbeddedBuffers.nextOutbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.codec.LineFrameDecoder;
import dev.uppercase.server.access.ConnectionLimit;
import dev.uppercase.server.access.SourceLimit;
import dev.uppercase.server.config.AddressRanges;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection's life, owned by its ConnectionLifecycle: on an EmbeddedChannel with the handlers it works with (a
 * stand-in for the framer, the UppercaseHandler), as the TcpServerInitializer puts them.
 */
class ConnectionLifecycleTest {
    private final ServerStats stats = new ServerStats();
    private ConnectionLimit limit = new ConnectionLimit(1, stats, Counter.CONNECTIONS_REJECTED, "connections");
    private final SourceLimit sources = new SourceLimit(100, AddressRanges.none(), stats);
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** Large enough for every test but the budget's own; chooses on the thread that finds it spent. */
    private MemoryBudget budget = new MemoryBudget(1 << 20, connections, stats, Runnable::run);

    private ConnectionLifecycle.Shared shared(Duration idle) {
        return new ConnectionLifecycle.Shared(stats, limit, sources, budget, connections, false, idle,
                Duration.ofSeconds(2));
    }

    /** An admitted connection: framer (a stand-in), uppercase, connection, after the handlers given. */
    private EmbeddedChannel admitted(ChannelHandler... before) {
        EmbeddedChannel ch = new EmbeddedChannel(before);
        ConnectionLifecycle.Shared shared = shared(Duration.ZERO);
        assertTrue(shared.admit(ch));
        return serving(ch, shared, null);
    }

    /** Framer (which lets the strings these tests send pass), uppercase, connection, as the initializer adds them. */
    private EmbeddedChannel serving(EmbeddedChannel ch, ConnectionLifecycle.Shared shared, IdleTimeouts idle) {
        LineFrameDecoder framer = new LineFrameDecoder(1 << 20, Duration.ZERO);
        ch.pipeline().addLast(TcpPipeline.FRAMER, framer)
                .addLast(TcpPipeline.DECODER, new StringDecoder(StandardCharsets.UTF_8))
                .addLast(TcpPipeline.UPPERCASE, new UppercaseHandler(new UppercaseHandler.Shared(10, 1024, stats)))
                .addLast(TcpPipeline.CONNECTION, new ConnectionLifecycle(shared, idle, null, framer));
        return ch;
    }

    @Test
    void takesAPlaceUnderTheLimitAndGivesItBackOnceWhenTheConnectionCloses() {
        EmbeddedChannel ch = admitted();
        assertEquals(1, connections.size(), "among the connections a stop drains");
        assertEquals(1, stats.get(Counter.CONNECTIONS_OPENED));
        assertFalse(limit.tryOpen(new EmbeddedChannel()), "the one place is taken");
        ch.close();
        EmbeddedChannel next = new EmbeddedChannel();
        assertTrue(limit.tryOpen(next), "and given back");
        assertFalse(limit.tryOpen(new EmbeddedChannel()), "once, though the pipeline is taken down after the close");
        ch.finishAndReleaseAll();
        next.finishAndReleaseAll();
    }

    @Test
    void aConnectionOverTheLimitIsToldSoAndClosed() {
        EmbeddedChannel first = admitted();
        EmbeddedChannel second = new EmbeddedChannel();
        assertFalse(shared(Duration.ZERO).admit(second));
        assertEquals(ErrorReplies.tooManyConnections(1), nextOutbound(second));
        assertFalse(second.isOpen());
        assertEquals(1, stats.get(Counter.CONNECTIONS_REJECTED));
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void closesOnceTheRepliesAreOutWhenTheClientHalfCloses() {
        EmbeddedChannel ch = admitted();
        ch.pipeline().fireChannelRead("last, no newline");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("LAST, NO NEWLINE", nextOutbound(ch));
        assertEquals("", nextOutbound(ch), "the empty write whose completion closes");
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    /** A connection carries a BackpressureHandler only once its client has stopped reading its replies. */
    @Test
    void aClientThatFallsBehindGetsABackpressureHandlerThenAndOnlyThen() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64, 128));
        ConnectionLifecycle.Shared shared = shared(Duration.ZERO);
        assertTrue(shared.admit(ch));
        serving(ch, shared, null);
        ch.writeInbound("a well-behaved client\n");
        assertEquals("A WELL-BEHAVED CLIENT\n", nextOutbound(ch));
        assertNull(ch.pipeline().get(TcpPipeline.BACKPRESSURE));

        ch.write(Unpooled.wrappedBuffer(new byte[256])); // 256 unflushed bytes: over the high watermark
        assertNotNull(ch.pipeline().get(TcpPipeline.BACKPRESSURE));
        List<String> names = ch.pipeline().names();
        assertEquals(names.indexOf(TcpPipeline.FRAMER) - 1, names.indexOf(TcpPipeline.BACKPRESSURE),
                "just ahead of the framer: it holds reads " + names);
        assertFalse(ch.config().isAutoRead(), "and stops reading at once");
        ch.finishAndReleaseAll(); // the unflushed write fails with the close
    }

    private EmbeddedChannel idleChannel(Duration timeout) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ConnectionLifecycle.Shared shared = shared(timeout);
        assertTrue(shared.admit(ch));
        return serving(ch, shared, new IdleTimeouts.PerLoop(timeout).forLoop(ch.eventLoop()));
    }

    @Test
    void theIdleClockCountsOnlyCompleteLinesAndClosesWithinATenthOfTheTimeout() {
        EmbeddedChannel ch = idleChannel(Duration.ofSeconds(10));
        ch.advanceTimeBy(6, TimeUnit.SECONDS);
        ch.writeInbound("line\n");
        assertEquals("LINE\n", nextOutbound(ch));
        ch.advanceTimeBy(6, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "a complete line 6 s ago resets the clock");

        ch.writeInbound("drip"); // no terminator: answered, but not a line that keeps the connection alive
        assertEquals("DRIP", nextOutbound(ch));
        ch.advanceTimeBy(3_900, TimeUnit.MILLISECONDS); // 9.9 s after the line
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "not before the timeout");
        ch.advanceTimeBy(1_100, TimeUnit.MILLISECONDS); // 11 s: the clock looks every second
        ch.runScheduledPendingTasks();
        assertEquals(ErrorReplies.idleTimeout(10_000), nextOutbound(ch));
        assertFalse(ch.isOpen());
        assertEquals(1, stats.get(Counter.IDLE_CLOSED));
        assertEquals(-1, ch.runScheduledPendingTasks(), "no connection left: the loop keeps no timer");
        ch.finishAndReleaseAll();
    }

    @Test
    void whenTheMemoryBudgetIsSpentTheConnectionHoldingTheMostIsToldAndClosed() {
        budget = new MemoryBudget(800, connections, stats, Runnable::run);
        limit = new ConnectionLimit(2, stats, Counter.CONNECTIONS_REJECTED, "connections");
        ConnectionLifecycle.Shared shared = shared(Duration.ZERO);
        EmbeddedChannel large = new EmbeddedChannel();
        EmbeddedChannel small = new EmbeddedChannel();
        assertTrue(shared.admit(large));
        serving(large, shared, null).writeInbound(Unpooled.copiedBuffer("x".repeat(600), StandardCharsets.UTF_8));
        assertEquals(600, budget.held(), "a partial line of 600 bytes, held");
        assertTrue(large.isOpen(), "within the budget");
        assertTrue(shared.admit(small));
        serving(small, shared, null).writeInbound(Unpooled.copiedBuffer("y".repeat(300), StandardCharsets.UTF_8));
        large.runPendingTasks();
        assertEquals(ErrorReplies.overMemoryBudget(), nextOutbound(large));
        assertFalse(large.isOpen(), "the one holding the most, told and closed");
        assertTrue(small.isOpen(), "the other goes on");
        assertEquals(300, budget.held(), "what the closed one held, given back");
        assertEquals(1, stats.get(Counter.MEMORY_BUDGET_CLOSED));
        large.finishAndReleaseAll();
        small.finishAndReleaseAll();
    }

    @Test
    void aClosedConnectionIsNoLongerWatched() {
        EmbeddedChannel ch = idleChannel(Duration.ofMillis(300));
        ch.close();
        assertEquals(-1, ch.runScheduledPendingTasks(), "its clock stopped with it");
        assertEquals(0, stats.get(Counter.IDLE_CLOSED));
        ch.finishAndReleaseAll();
    }

    /** Holds back every write until {@link #release}: the socket as seen while it cannot take more. */
    private static final class SlowSocket extends ChannelOutboundHandlerAdapter {
        private final List<Object> writes = new ArrayList<>();
        private final List<ChannelPromise> promises = new ArrayList<>();
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            writes.add(msg);
            promises.add(promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // held
        }

        List<String> texts() {
            return writes.stream().map(w -> ((ByteBuf) w).toString(StandardCharsets.UTF_8)).toList();
        }

        void release() {
            for (int i = 0; i < writes.size(); i++) {
                ctx.write(writes.get(i), promises.get(i));
            }
            ctx.flush();
        }
    }

    @Test
    void anErrorWhileServingSendsTheRepliesMadeThenTheErrorLineInTheNextOnesPlaceAndCloses() {
        SlowSocket socket = new SlowSocket();
        EmbeddedChannel ch = admitted(socket, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if ("boom\n".equals(msg)) {
                    throw new IllegalStateException("a defect");
                }
                ctx.fireChannelRead(msg);
            }
        });
        ch.pipeline().fireChannelRead("one\n").fireChannelRead("boom\n");
        assertNotNull(ch.pipeline().get(TcpPipeline.DRAIN), "reads no more lines: discards what still comes");
        assertNull(ch.pipeline().get(TcpPipeline.UPPERCASE), "and answers no more");
        ch.pipeline().fireChannelRead("in flight\n").fireChannelReadComplete(); // read before reading stopped
        assertEquals(List.of("ONE\n", ErrorReplies.internalError()), socket.texts(),
                "the reply already made, the error line, and no answer after it");
        socket.release();
        assertEquals("ONE\n", nextOutbound(ch));
        assertEquals(ErrorReplies.internalError(), nextOutbound(ch));
        assertFalse(ch.isOpen(), "closed once the error line is out");
        assertEquals(1, stats.get(Counter.INTERNAL_ERRORS));
        assertFalse(ch.finishAndReleaseAll());
    }
}
