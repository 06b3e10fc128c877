package dev.uppercase.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;

/** What an EmbeddedChannel test reads off its channel: each buffer as UTF-8 text, released once read. */
public final class EmbeddedBuffers {
    private EmbeddedBuffers() {}

    /** The next buffer written to the channel (a reply), as text; null if there is none. */
    public static String nextOutbound(EmbeddedChannel ch) {
        return text(ch.readOutbound());
    }

    /** The next buffer that came out of the pipeline's far end (a frame), as text; null if there is none. */
    public static String nextInbound(EmbeddedChannel ch) {
        return text(ch.readInbound());
    }

    private static String text(ByteBuf buffer) {
        if (buffer == null) {
            return null;
        }
        try {
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            buffer.release();
        }
    }
}
