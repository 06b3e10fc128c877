package dev.uppercase.codec;

import io.netty.buffer.ByteBuf;

/** UTF-8 facts the framing needs to cut a byte stream without splitting a character. */
public final class Utf8 {

    private Utf8() {}

    /**
     * The number of readable bytes of {@code buf} that end on a character boundary: all of them, less a trailing
     * multi-byte sequence that is still incomplete. Invalid bytes count as complete (they decode to U+FFFD anyway).
     */
    public static int completePrefixLength(ByteBuf buf) {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        // A sequence is at most 4 bytes, so its lead byte is within the last 4.
        for (int i = end - 1; i >= Math.max(start, end - 4); i--) {
            int b = buf.getByte(i) & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int needed = sequenceLength(b);
            return end - i < needed ? i - start : end - start;
        }
        return end - start;
    }

    private static int sequenceLength(int leadByte) {
        if (leadByte >= 0xF0 && leadByte <= 0xF4) {
            return 4;
        }
        if (leadByte >= 0xE0 && leadByte <= 0xEF) {
            return 3;
        }
        if (leadByte >= 0xC2 && leadByte <= 0xDF) {
            return 2;
        }
        return 1; // ASCII, or a byte that can never start a valid sequence
    }
}
