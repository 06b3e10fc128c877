package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.codec.LineFraming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

class UppercaseHandlerTest {
    private final ServerStats stats = new ServerStats();

    private EmbeddedChannel channel(ChannelHandler... before) {
        EmbeddedChannel ch = new EmbeddedChannel(before);
        ch.pipeline().addLast(new UppercaseHandler(Servers.settings("--max-line-length", "10"), stats));
        return ch;
    }

    @Test
    void answersEachLineWithItsUpperCase() {
        EmbeddedChannel ch = channel();
        ch.writeInbound("istanbul straße\r\n");
        assertEquals("ISTANBUL STRASSE\r\n", ch.readOutbound());
        assertEquals(1, stats.linesReceived());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void flushesOncePerReadBatchNotPerLine() {
        int[] flushes = {0};
        EmbeddedChannel ch = channel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes[0]++;
                ctx.flush();
            }
        });
        ch.pipeline().fireChannelRead("a\n").fireChannelRead("b\n").fireChannelRead("c\n");
        assertEquals(0, flushes[0]);
        ch.pipeline().fireChannelReadComplete();
        assertEquals(1, flushes[0]);
        assertEquals("A\n", ch.readOutbound());
        assertEquals("B\n", ch.readOutbound());
        assertEquals("C\n", ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void answersALineTooLongWithTheErrorLineAndStaysOpen() {
        EmbeddedChannel ch = channel();
        ch.pipeline().fireExceptionCaught(new TooLongFrameException("frame length (11) exceeds 10"));
        assertEquals(LineFraming.lineTooLongReply(10), ch.readOutbound());
        assertTrue(ch.isOpen());
        assertEquals(1, stats.linesTooLong());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void closesOnAnyOtherError() {
        EmbeddedChannel ch = channel();
        ch.pipeline().fireExceptionCaught(new IllegalStateException("boom"));
        assertFalse(ch.isOpen());
        assertNull(ch.readOutbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void flushesAndClosesWhenTheClientHalfCloses() {
        EmbeddedChannel ch = channel();
        ch.pipeline().fireChannelRead("last\n");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("LAST\n", ch.readOutbound());
        ByteBuf marker = ch.readOutbound();
        assertEquals(Unpooled.EMPTY_BUFFER, marker);
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }
}
