package dev.uppercase.codec;

import static dev.uppercase.testing.EmbeddedBuffers.nextInbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LineFrameDecoderTest {

    private static final Duration QUIET = Duration.ofMillis(200);

    /** Time is frozen: only advanceTimeBy moves the decoder's clock, so no real pause can fire a timer early. */
    private static EmbeddedChannel channel(int maxLength, Duration quiet) {
        EmbeddedChannel ch = new EmbeddedChannel(new LineFrameDecoder(maxLength, quiet));
        ch.freezeTime();
        return ch;
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, Uppercase.CHARSET);
    }

    @Test
    void keepsEachLinesOwnTerminator() {
        EmbeddedChannel ch = channel(100, Duration.ZERO);
        ch.writeInbound(bytes("one\ntwo\r\n\nthree"));
        assertEquals("one\n", nextInbound(ch));
        assertEquals("two\r\n", nextInbound(ch));
        assertEquals("\n", nextInbound(ch));
        assertNull(nextInbound(ch));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("three", nextInbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void joinsALineSplitOverManyReads() {
        EmbeddedChannel ch = channel(100, Duration.ZERO);
        byte[] line = "héllo wörld\r\n".getBytes(Uppercase.CHARSET);
        for (byte b : line) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertEquals("héllo wörld\r\n", nextInbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void acceptsALineOfExactlyTheMaximumEvenWithItsCrLfSplit() {
        EmbeddedChannel ch = channel(8, Duration.ZERO);
        ch.writeInbound(bytes("12345678\r"));
        ch.writeInbound(bytes("\n"));
        assertEquals("12345678\r\n", nextInbound(ch));
        ch.writeInbound(bytes("abcdefgh\n"));
        assertEquals("abcdefgh\n", nextInbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void reportsALineOneByteOverWhenItEndsThenGoesOn() {
        EmbeddedChannel ch = channel(8, Duration.ZERO);
        ch.writeInbound(bytes("ok\n123456789"));
        assertEquals("ok\n", nextInbound(ch));
        ch.writeInbound(bytes("more and more"));
        assertNull(nextInbound(ch), "the over-long line is not reported before it ends");
        TooLongFrameException e = assertThrows(TooLongFrameException.class, () -> ch.writeInbound(bytes("\nnext\n")));
        assertInstanceOf(TooLongFrameException.class, e);
        assertEquals("next\n", nextInbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void neverBuffersAnOverLongLine() {
        LineFrameDecoder decoder = new LineFrameDecoder(1024, Duration.ZERO);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        for (int i = 0; i < 256; i++) { // 16 MiB, no newline
            ch.writeInbound(Unpooled.wrappedBuffer(chunk));
            assertEquals(0, decoder.bufferedBytes(), "buffered after chunk " + i);
        }
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void answersAPartialLineWhenThePeerHalfCloses() {
        EmbeddedChannel ch = channel(100, Duration.ZERO);
        ch.writeInbound(bytes("a\nhi there"));
        assertEquals("a\n", nextInbound(ch));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("hi there", nextInbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void answersAPartialLineAfterTheQuietPeriod() {
        EmbeddedChannel ch = channel(100, QUIET);
        ch.writeInbound(bytes("textbook"));
        assertNull(nextInbound(ch));
        ch.advanceTimeBy(QUIET.toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(nextInbound(ch), "not before the quiet period");
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("textbook", nextInbound(ch));
        ch.writeInbound(bytes(" more\n"));
        assertEquals(" more\n", nextInbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void neverAnswersMidLineOnceTheClientHasSentANewline() {
        EmbeddedChannel ch = channel(100, QUIET);
        ch.writeInbound(bytes("framed\nstalled half of a li"));
        assertEquals("framed\n", nextInbound(ch));
        ch.advanceTimeBy(1, TimeUnit.HOURS);
        ch.runScheduledPendingTasks();
        assertNull(nextInbound(ch), "a line-framing client's stalled line waits for its newline");
        ch.writeInbound(bytes("ne\n"));
        assertEquals("stalled half of a line\n", nextInbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    /** A stopping server ends the input the same way: what was answered early is not answered again. */
    @Test
    void anEndOfInputAfterAnEarlyAnswerAnswersOnlyTheRest() {
        EmbeddedChannel ch = channel(100, QUIET);
        ch.writeInbound(bytes("textbook"));
        ch.advanceTimeBy(QUIET.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("textbook", nextInbound(ch));
        ch.writeInbound(bytes(" and more"));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals(" and more", nextInbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void holdsBackAnIncompleteCharacterAtTheQuietPeriod() {
        EmbeddedChannel ch = channel(100, QUIET);
        ByteBuf partial = Unpooled.buffer();
        partial.writeBytes("ab".getBytes(Uppercase.CHARSET)).writeByte(0xC3);
        ch.writeInbound(partial);
        ch.advanceTimeBy(QUIET.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("ab", nextInbound(ch));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xA9, '\n'}));
        assertEquals("é\n", nextInbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void quietPeriodZeroWaitsForever() {
        EmbeddedChannel ch = channel(100, Duration.ZERO);
        ch.writeInbound(bytes("textbook"));
        ch.advanceTimeBy(1, TimeUnit.HOURS);
        ch.runScheduledPendingTasks();
        assertNull(nextInbound(ch));
        ch.writeInbound(bytes(" and more\n"));
        assertEquals("textbook and more\n", nextInbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }
}
