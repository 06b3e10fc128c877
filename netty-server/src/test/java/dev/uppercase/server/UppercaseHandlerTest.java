package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.codec.ErrorReplies;
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
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UppercaseHandlerTest {
    private final ServerStats stats = new ServerStats();
    private final ConnectionLimit limit = new ConnectionLimit(1, stats);

    /** A served connection: its place under the limit taken, as the initializer takes it. */
    private EmbeddedChannel channel(int chunk, ChannelHandler... before) {
        EmbeddedChannel ch = new EmbeddedChannel(before);
        assertTrue(limit.tryOpen(ch));
        ch.pipeline().addLast(new UppercaseHandler(new UppercaseHandler.Shared(10, stats, limit), chunk, null));
        return ch;
    }

    /** The next reply buffer's text; released. */
    private static String next(EmbeddedChannel ch) {
        ByteBuf reply = ch.readOutbound();
        try {
            return reply.toString(StandardCharsets.UTF_8);
        } finally {
            reply.release();
        }
    }

    @Test
    void answersEachLineWithItsUpperCase() {
        EmbeddedChannel ch = channel(1024);
        ch.writeInbound("istanbul straße\r\n");
        assertEquals("ISTANBUL STRASSE\r\n", next(ch));
        assertEquals(1, stats.linesReceived());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aReadBatchIsAnsweredWithOneBufferAndOneFlush() {
        int[] flushes = {0};
        EmbeddedChannel ch = channel(1024, new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes[0]++;
                ctx.flush();
            }
        });
        ch.pipeline().fireChannelRead("one\n").fireChannelRead("τωο\r\n").fireChannelRead("\n");
        assertNull(ch.readOutbound(), "nothing before the end of the batch");
        assertEquals(0, stats.linesReceived(), "counted once per batch");
        ch.pipeline().fireChannelReadComplete();
        assertEquals(1, flushes[0]);
        assertEquals("ONE\nΤΩΟ\r\n\n", next(ch));
        assertNull(ch.readOutbound());
        assertEquals(3, stats.linesReceived());
        assertFalse(ch.finishAndReleaseAll());
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
        EmbeddedChannel ch = channel(1024, socket, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if ("boom\n".equals(msg)) {
                    throw new IllegalStateException("a defect");
                }
                ctx.fireChannelRead(msg);
            }
        });
        ch.pipeline().fireChannelRead("one\n").fireChannelRead("boom\n");
        assertFalse(ch.config().isAutoRead(), "reads no more");
        ch.pipeline().fireChannelRead("in flight\n").fireChannelReadComplete(); // read before reading stopped
        assertEquals(List.of("ONE\n", ErrorReplies.internalError()), socket.texts(),
                "the reply already made, the error line, and no answer after it");
        socket.release();
        assertEquals("ONE\n", next(ch));
        assertEquals(ErrorReplies.internalError(), next(ch));
        assertFalse(ch.isOpen(), "closed once the error line is out");
        assertEquals(1, stats.internalErrors());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFullChunkGoesOutWithoutWaitingForTheEndOfTheBatch() {
        EmbeddedChannel ch = channel(8);
        // 10 bytes >= 8: written, so writability sees it
        ch.pipeline().fireChannelRead("abcd\n").fireChannelRead("efgh\n");
        ch.pipeline().fireChannelRead("i\n").fireChannelReadComplete();
        assertEquals("ABCD\nEFGH\n", next(ch));
        assertEquals("I\n", next(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aLineTooLongIsAnsweredInItsPlaceWithTheErrorLineAndTheConnectionGoesOn() {
        EmbeddedChannel ch = channel(1024);
        ch.pipeline().fireChannelRead("before\n");
        ch.pipeline().fireExceptionCaught(new TooLongFrameException("frame length (11) exceeds 10"));
        ch.pipeline().fireChannelRead("after\n").fireChannelReadComplete();
        assertEquals("BEFORE\n" + ErrorReplies.lineTooLong(10) + "AFTER\n", next(ch));
        assertTrue(ch.isOpen());
        assertEquals(1, stats.linesTooLong());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void countsLinesWithReplacementCharacters() {
        EmbeddedChannel ch = channel(1024);
        ch.writeInbound("a\uFFFDb\n", "plain\n");
        assertEquals("A\uFFFDB\nPLAIN\n", next(ch));
        assertEquals(1, stats.decodeReplaced());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void flushesAndClosesWhenTheClientHalfCloses() {
        EmbeddedChannel ch = channel(1024);
        ch.pipeline().fireChannelRead("last, no newline");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("LAST, NO NEWLINE", next(ch));
        assertEquals("", next(ch), "the empty write whose completion closes");
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void releasesARepliesBufferNeverWrittenWhenTheChannelCloses() {
        EmbeddedChannel ch = channel(1024);
        ch.pipeline().fireChannelRead("never flushed\n");
        ch.close();
        assertFalse(ch.finishAndReleaseAll()); // the leak detector fails the test if the buffer were kept
    }

    private EmbeddedChannel idleChannel(Duration timeout) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        assertTrue(limit.tryOpen(ch));
        ch.pipeline().addLast(new UppercaseHandler(new UppercaseHandler.Shared(10, stats, limit), 1024,
                new IdleTimeouts.PerLoop(timeout).forLoop(ch.eventLoop())));
        return ch;
    }

    @Test
    void givesBackItsPlaceUnderTheConnectionLimitWhenTheConnectionCloses() {
        EmbeddedChannel ch = channel(1024);
        assertFalse(limit.tryOpen(new EmbeddedChannel()), "the one place is taken");
        ch.close();
        EmbeddedChannel next = new EmbeddedChannel();
        assertTrue(limit.tryOpen(next), "and given back once");
        assertFalse(limit.tryOpen(new EmbeddedChannel()),
                "not twice, though the pipeline is taken down after the close");
        ch.finishAndReleaseAll();
        next.finishAndReleaseAll();
    }

    /** A connection carries a BackpressureHandler only once its client has stopped reading its replies. */
    @Test
    void aClientThatFallsBehindGetsABackpressureHandlerThenAndOnlyThen() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64, 128));
        ch.pipeline().addLast(TcpHandlerNames.FRAMER, new ChannelInboundHandlerAdapter());
        assertTrue(limit.tryOpen(ch));
        ch.pipeline().addLast(new UppercaseHandler(new UppercaseHandler.Shared(10, stats, limit), 1024, null));
        ch.writeInbound("a well-behaved client\n");
        assertEquals("A WELL-BEHAVED CLIENT\n", next(ch));
        assertNull(ch.pipeline().get(BackpressureHandler.class));

        ch.write(Unpooled.wrappedBuffer(new byte[256])); // 256 unflushed bytes: over the high watermark
        assertNotNull(ch.pipeline().get(BackpressureHandler.class));
        List<String> names = ch.pipeline().names();
        assertEquals(names.indexOf(TcpHandlerNames.FRAMER) - 1, names.indexOf(ch.pipeline().context(
                BackpressureHandler.class).name()), "just ahead of the framer: it holds reads " + names);
        assertFalse(ch.config().isAutoRead(), "and stops reading at once");
        ch.finishAndReleaseAll(); // the unflushed write fails with the close
    }

    @Test
    void theIdleClockCountsOnlyCompleteLinesAndClosesWithinATenthOfTheTimeout() {
        EmbeddedChannel ch = idleChannel(Duration.ofSeconds(10));
        ch.advanceTimeBy(6, TimeUnit.SECONDS);
        ch.writeInbound("line\n");
        assertEquals("LINE\n", next(ch));
        ch.advanceTimeBy(6, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "a complete line 6 s ago resets the clock");

        ch.writeInbound("drip"); // no terminator: answered, but not a line that keeps the connection alive
        assertEquals("DRIP", next(ch));
        ch.advanceTimeBy(3_900, TimeUnit.MILLISECONDS); // 9.9 s after the line
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "not before the timeout");
        ch.advanceTimeBy(1_100, TimeUnit.MILLISECONDS); // 11 s: the clock looks every second
        ch.runScheduledPendingTasks();
        assertEquals(ErrorReplies.idleTimeout(10_000), next(ch));
        assertFalse(ch.isOpen());
        assertEquals(1, stats.idleClosed());
        assertEquals(-1, ch.runScheduledPendingTasks(), "no connection left: the loop keeps no timer");
        ch.finishAndReleaseAll();
    }

    @Test
    void aClosedConnectionIsNoLongerWatched() {
        EmbeddedChannel ch = idleChannel(Duration.ofMillis(300));
        ch.close();
        assertEquals(-1, ch.runScheduledPendingTasks(), "its clock stopped with it");
        assertEquals(0, stats.idleClosed());
        ch.finishAndReleaseAll();
    }
}
