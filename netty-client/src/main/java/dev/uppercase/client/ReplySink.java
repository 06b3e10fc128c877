package dev.uppercase.client;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/** Where replies go, in the order of the lines they answer. Called on the connection's event loop. */
interface ReplySink {
    /**
     * @param line the request line's number (1-based)
     * @param content the reply without its terminator
     * @param terminator the reply's line ending (TCP: as received; UDP: the request line's own)
     */
    void reply(long line, ByteBuf content, byte[] terminator) throws IOException;

    /** The end of a batch of replies: a moment to flush output. */
    void flush() throws IOException;
}
