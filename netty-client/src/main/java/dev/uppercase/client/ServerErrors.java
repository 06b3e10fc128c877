package dev.uppercase.client;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.codec.Uppercase;
import io.netty.buffer.ByteBuf;
import java.io.PrintStream;

/**
 * What the server's error lines say, as replies arrive (they take the place of a reply): a line too long is reported
 * and counted as refused, and the rest go on; any other error is the reason the server is closing the connection,
 * reported when it does. Lines too large for a datagram are counted here too.
 */
final class ServerErrors {
    private final PrintStream err;
    private long refused;
    private volatile String closeReason;

    ServerErrors(PrintStream err) {
        this.err = err;
    }

    /** True if {@code reply} (to line {@code line}) was an error line, handled here, and so is not an answer. */
    boolean handled(ByteBuf reply, long line) {
        // A genuine reply never starts with a lower-case letter; only an error line does.
        if (!reply.isReadable() || reply.getByte(reply.readerIndex()) != 'e') {
            return false;
        }
        String text = reply.toString(Uppercase.CHARSET);
        if (!ErrorReplies.isErrorReply(text)) {
            return false;
        }
        if (ErrorReplies.isLineTooLong(text)) {
            refused++;
            err.println("uppercase-client: line " + line + ": " + text);
        } else {
            closeReason = text;
        }
        return true;
    }

    /** A line the client would not send (its datagram or its reply over the size limit). */
    void notSent(long line, int maxDatagramSize) {
        refused++;
        err.println("uppercase-client: line " + line + ": not sent: its datagram or its reply would be over the "
                + maxDatagramSize + "-byte limit");
    }

    long refused() {
        return refused;
    }

    /** The server's last error line other than line-too-long: why it is about to close; null if none came. */
    String closeReason() {
        return closeReason;
    }
}
