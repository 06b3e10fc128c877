package dev.uppercase.server.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.server.linger.DrainHandler;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * EmbeddedChannel tests of the per-connection flow handlers: backpressure and the drain (the idle clock:
 * UppercaseHandlerTest).
 */
class FlowHandlersTest {
    private final ServerStats stats = new ServerStats();

    /** Records what reaches the end of the pipeline, reads and events alike, in order. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> seen = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            seen.add(evt);
        }
    }

    @Test
    void backpressureHoldsReadsWhileUnwritableAndPassesThemOnInOrderWithTheEndOfInputLast() {
        Recorder end = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new BackpressureHandler(stats), end);
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8, 16));
        ch.writeInbound("a\n");
        assertEquals(List.of("a\n"), end.seen);

        ch.write(Unpooled.wrappedBuffer(new byte[32])); // 32 unflushed bytes: over the high watermark
        assertFalse(ch.isWritable());
        assertFalse(ch.config().isAutoRead(), "stops reading");
        assertTrue(stats.peakPendingOutboundBytes() >= 32);
        ch.writeInbound("b\n");
        assertEquals(List.of("a\n"), end.seen, "held while the client is not reading");

        clientReads(ch);
        assertTrue(ch.config().isAutoRead(), "reads again");
        assertEquals(List.of("a\n", "b\n"), end.seen);

        ch.write(Unpooled.wrappedBuffer(new byte[32]));
        ch.writeInbound("c\n");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals(List.of("a\n", "b\n"), end.seen, "the end of input waits behind the held read");
        clientReads(ch);
        assertEquals(List.of("a\n", "b\n", "c\n", ChannelInputShutdownEvent.INSTANCE), end.seen);
        assertFalse(ch.config().isAutoRead(), "the input has ended: reads are not resumed, there is nothing to read");
        assertFalse(ch.finishAndReleaseAll());
    }

    /** Reads still held when the connection goes are let go, and counted as received: the framer never saw them. */
    @Test
    void readsHeldAtTheCloseAreReleasedAndCountedAsReceived() {
        EmbeddedChannel ch = new EmbeddedChannel(new BackpressureHandler(stats), new Recorder());
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8, 16));
        ch.write(Unpooled.wrappedBuffer(new byte[32]));
        ByteBuf held = Unpooled.copiedBuffer("held\n", StandardCharsets.US_ASCII);
        ch.writeInbound(held);
        assertEquals(1, held.refCnt(), "held, not passed on");
        assertEquals(0, stats.get(Counter.BYTES_IN));
        ch.pipeline().remove(BackpressureHandler.class); // as the memory budget takes it out, or the close does
        assertEquals(0, held.refCnt(), "released");
        assertEquals(5, stats.get(Counter.BYTES_IN));
        ch.finishAndReleaseAll();
    }

    /** The client reads what was written: the outbound buffer empties. */
    private static void clientReads(EmbeddedChannel ch) {
        ch.flush();
        ByteBuf written = ch.readOutbound();
        written.release();
        assertTrue(ch.isWritable());
    }

    @Test
    void drainDiscardsWhatTheClientStillSendsAndClosesWhenItCloses() {
        Recorder end = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new DrainHandler(), end);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'x', '\n'}));
        assertEquals(List.of(), end.seen, "discarded, and released (or the leak detector would fail this test)");
        assertTrue(ch.isOpen());
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertFalse(ch.isOpen());
        assertNull(ch.readOutbound());
        ch.finishAndReleaseAll();
    }
}
