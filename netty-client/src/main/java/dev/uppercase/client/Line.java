package dev.uppercase.client;

import dev.uppercase.codec.Uppercase;

/**
 * One input line: its content bytes and its terminator ({@code \n}, {@code \r\n}, or none for a last line with no
 * newline), kept apart so UDP can send the content alone and still give the reply the line's own ending.
 */
record Line(long number, byte[] content, byte[] terminator) {
    static final byte[] LF = {'\n'};
    static final byte[] CRLF = {'\r', '\n'};
    static final byte[] NONE = {};

    String text() {
        return new String(content, Uppercase.CHARSET);
    }

    /** What the server answers, by the protocol: the upper case of the content, decoded as the server decodes it. */
    byte[] expectedReply() {
        return Uppercase.toUtf8(text());
    }
}
