package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyEncoderTest {

    private static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void aBatchOfRepliesGoesOutAsOneBufferAtTheFlush() {
        EmbeddedChannel ch = new EmbeddedChannel(new ReplyEncoder(1024));
        ch.write("ONE\n", ch.voidPromise());
        ch.write("ΤΩΟ\r\n", ch.voidPromise());
        ch.write("\n", ch.voidPromise());
        assertNull(ch.readOutbound(), "nothing before the flush");
        ch.flush();
        assertEquals("ONE\nΤΩΟ\r\n\n", text(ch.readOutbound()));
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFullChunkGoesOutWithoutWaitingForTheFlush() {
        EmbeddedChannel ch = new EmbeddedChannel(new ReplyEncoder(8));
        ch.write("ABCD\n", ch.voidPromise());
        ch.write("EFGH\n", ch.voidPromise()); // 10 bytes >= 8: written, so writability accounting sees it
        ch.write("I\n", ch.voidPromise());
        ch.flush();
        assertEquals("ABCD\nEFGH\n", text(ch.readOutbound()));
        assertEquals("I\n", text(ch.readOutbound()));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void otherMessagesKeepTheirPlaceAndPromisesComplete() {
        EmbeddedChannel ch = new EmbeddedChannel(new ReplyEncoder(1024));
        ch.write("BEFORE\n", ch.voidPromise());
        ChannelFuture marker = ch.write(Unpooled.EMPTY_BUFFER);
        ChannelFuture error = ch.write("error: with a listener\n");
        ch.flush();
        assertEquals("BEFORE\n", text(ch.readOutbound()));
        assertEquals(0, ((ByteBuf) ch.readOutbound()).readableBytes());
        assertEquals("error: with a listener\n", text(ch.readOutbound()));
        assertTrue(marker.isSuccess() && error.isSuccess());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void releasesWhatItHoldsWhenTheChannelCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new ReplyEncoder(1024));
        ch.write("NEVER FLUSHED\n", ch.voidPromise());
        ch.close();
        assertFalse(ch.finishAndReleaseAll()); // the leak detector fails the test if the buffer were kept
    }
}
