package dev.uppercase.server.tcp;

import static dev.uppercase.testing.EmbeddedBuffers.nextOutbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.ops.ServerStats;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transform and its batching, alone (what it passes on is in the channel's inbound queue). */
class UppercaseHandlerTest {
    private final ServerStats stats = new ServerStats();

    private EmbeddedChannel channel(int chunk, ChannelHandler... before) {
        EmbeddedChannel ch = new EmbeddedChannel(before);
        ch.pipeline().addLast(new UppercaseHandler(new UppercaseHandler.Shared(10, chunk, stats)));
        return ch;
    }

    /** Every frame passed on, in order: the idle clock's input. */
    private static List<Object> passedOn(EmbeddedChannel ch) {
        List<Object> frames = new ArrayList<>();
        for (Object frame; (frame = ch.readInbound()) != null; ) {
            frames.add(frame);
        }
        return frames;
    }

    @Test
    void answersEachLineWithItsUpperCase() {
        EmbeddedChannel ch = channel(1024);
        ch.writeInbound("istanbul straße\r\n");
        assertEquals("ISTANBUL STRASSE\r\n", nextOutbound(ch));
        assertEquals(1, stats.get(Counter.LINES_IN));
        assertEquals(List.of("istanbul straße\r\n"), passedOn(ch), "the frame answered goes on");
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
        assertEquals(0, stats.get(Counter.LINES_IN), "counted once per batch");
        ch.pipeline().fireChannelReadComplete();
        assertEquals(1, flushes[0]);
        assertEquals("ONE\nΤΩΟ\r\n\n", nextOutbound(ch));
        assertNull(ch.readOutbound());
        assertEquals(3, stats.get(Counter.LINES_IN));
        assertEquals(3, passedOn(ch).size());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void anErrorEndsTheBatchBeforeItIsPassedOn() {
        EmbeddedChannel ch = channel(1024);
        ch.pipeline().fireChannelRead("made before\n");
        ch.pipeline().fireExceptionCaught(new IllegalStateException("a defect"));
        ch.flush(); // as whoever handles the error does
        assertEquals("MADE BEFORE\n", nextOutbound(ch), "written before whoever handles the error acts");
        assertEquals(1, stats.get(Counter.LINES_IN));
        passedOn(ch);
        assertThrows(IllegalStateException.class, ch::checkException, "and passed on");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFullChunkGoesOutWithoutWaitingForTheEndOfTheBatch() {
        EmbeddedChannel ch = channel(8);
        // 10 bytes >= 8: written, so writability sees it
        ch.pipeline().fireChannelRead("abcd\n").fireChannelRead("efgh\n");
        ch.pipeline().fireChannelRead("i\n").fireChannelReadComplete();
        assertEquals("ABCD\nEFGH\n", nextOutbound(ch));
        assertEquals("I\n", nextOutbound(ch));
        passedOn(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aLineTooLongIsAnsweredInItsPlaceWithTheErrorLineAndTheConnectionGoesOn() {
        EmbeddedChannel ch = channel(1024);
        ch.pipeline().fireChannelRead("before\n");
        ch.pipeline().fireExceptionCaught(new TooLongFrameException("frame length (11) exceeds 10"));
        ch.pipeline().fireChannelRead("after\n").fireChannelReadComplete();
        assertEquals("BEFORE\n" + ErrorReplies.lineTooLong(10) + "AFTER\n", nextOutbound(ch));
        assertTrue(ch.isOpen());
        assertEquals(1, stats.get(Counter.LINES_TOO_LONG));
        assertEquals(List.of("before\n", "after\n"), passedOn(ch), "the error is not passed on");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void countsLinesWithReplacementCharacters() {
        EmbeddedChannel ch = channel(1024);
        ch.writeInbound("a\uFFFDb\n", "plain\n");
        assertEquals("A\uFFFDB\nPLAIN\n", nextOutbound(ch));
        assertEquals(1, stats.get(Counter.DECODE_REPLACED));
        passedOn(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void theEndOfInputWritesTheBatchBeforeItIsPassedOn() {
        EmbeddedChannel ch = channel(1024);
        ch.pipeline().fireChannelRead("last, no newline");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        ch.flush(); // as whoever handles the end of input does
        assertEquals("LAST, NO NEWLINE", nextOutbound(ch));
        assertEquals(List.of("last, no newline"), passedOn(ch));
        assertFalse(ch.finishAndReleaseAll()); // the event itself went on to the tail, which drops it
    }

    @Test
    void releasesARepliesBufferNeverWrittenWhenTheChannelCloses() {
        EmbeddedChannel ch = channel(1024);
        ch.pipeline().fireChannelRead("never flushed\n");
        passedOn(ch);
        ch.close();
        assertFalse(ch.finishAndReleaseAll()); // the leak detector fails the test if the buffer were kept
    }
}
