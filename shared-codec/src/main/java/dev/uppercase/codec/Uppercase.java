package dev.uppercase.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The transform and its charset: the whole of what the service does to text. A reply is the UTF-8 encoding of
 * {@code String.toUpperCase(Locale.ROOT)} of the request, byte for byte, written straight as bytes: the upper case of
 * each character comes from {@link UppercaseTable}, so the cost is linear in the text whatever the text.
 */
public final class Uppercase {

    /** Requests and replies are UTF-8 on both transports; invalid input decodes to U+FFFD. */
    public static final Charset CHARSET = StandardCharsets.UTF_8;

    /** The most UTF-8 bytes the upper case of one UTF-16 code unit takes: {@code ΐ} (U+0390) becomes 6. */
    static final int MAX_BYTES_PER_CHAR = 6;
    /** Text is encoded this many code units at a time, so the room reserved ahead is bounded, not six times a line. */
    private static final int BLOCK = 4096;

    private Uppercase() {}

    /**
     * Full Unicode upper-case mapping, independent of the JVM's default locale (a Turkish default would otherwise
     * turn {@code i} into {@code İ}). One-to-many mappings are applied in full: {@code ß} becomes {@code SS}.
     */
    public static String apply(String text) {
        return new String(toUtf8(text), CHARSET);
    }

    /** The upper case of {@code text} as UTF-8: the reply's bytes. */
    public static byte[] toUtf8(String text) {
        ByteBuf out = Unpooled.buffer(text.length());
        writeUtf8(out, text);
        return ByteBufUtil.getBytes(out);
    }

    /**
     * Appends the upper case of {@code text}, as UTF-8, to {@code out}, and returns the number of bytes written. A heap
     * buffer is written in place; any other buffer through a copy. A lone surrogate becomes {@code ?}, as the JDK's
     * encoder writes it (text decoded from bytes never holds one).
     */
    public static int writeUtf8(ByteBuf out, String text) {
        int start = out.writerIndex();
        int length = text.length();
        byte[] copy = null;
        for (int from = 0; from < length; ) {
            int to = Math.min(length, from + BLOCK);
            if (to < length && Character.isHighSurrogate(text.charAt(to - 1))) {
                to--; // keep the pair in one block
            }
            int room = MAX_BYTES_PER_CHAR * (to - from);
            if (out.hasArray()) {
                out.ensureWritable(room);
                int base = out.arrayOffset();
                out.writerIndex(encode(text, from, to, out.array(), base + out.writerIndex()) - base);
            } else {
                if (copy == null) {
                    copy = new byte[MAX_BYTES_PER_CHAR * Math.min(length, BLOCK)];
                }
                out.writeBytes(copy, 0, encode(text, from, to, copy, 0));
            }
            from = to;
        }
        return out.writerIndex() - start;
    }

    /**
     * Writes the upper case of {@code text[from, to)} into {@code dst} from {@code offset}, which must have room for
     * {@link #MAX_BYTES_PER_CHAR} bytes per code unit, and returns the offset after the last byte written.
     */
    private static int encode(String text, int from, int to, byte[] dst, int offset) {
        int[] entries = UppercaseTable.ENTRIES;
        int o = offset;
        int i = from;
        for (char c; i < to && (c = text.charAt(i)) < 0x80; i++) { // ASCII, the common case: one byte each
            dst[o++] = (byte) entries[c];
        }
        for (; i < to; i++) {
            char c = text.charAt(i);
            int entry = entries[c];
            int n = entry >>> 24;
            if (n != 0) {
                // Always three bytes, then advance by the real count: no branch on the length (there is room).
                dst[o] = (byte) entry;
                dst[o + 1] = (byte) (entry >>> 8);
                dst[o + 2] = (byte) (entry >>> 16);
                o += n;
            } else if (entry != UppercaseTable.SURROGATE) {
                long expansion = UppercaseTable.LONG[entry]; // six bytes written, as many as there are kept
                for (int b = 0; b < MAX_BYTES_PER_CHAR; b++) {
                    dst[o + b] = (byte) (expansion >>> 8 * b);
                }
                o += (int) (expansion >>> 56);
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                o = encodeCodePoint(Character.toUpperCase(Character.toCodePoint(c, text.charAt(++i))), dst, o);
            } else {
                dst[o++] = '?';
            }
        }
        return o;
    }

    private static int encodeCodePoint(int cp, byte[] dst, int o) {
        if (cp < 0x10000) { // no supplementary character has a BMP upper case (the tests check each): for safety
            byte[] utf8 = String.valueOf((char) cp).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(utf8, 0, dst, o, utf8.length);
            return o + utf8.length;
        }
        dst[o] = (byte) (0xF0 | cp >> 18);
        dst[o + 1] = (byte) (0x80 | cp >> 12 & 0x3F);
        dst[o + 2] = (byte) (0x80 | cp >> 6 & 0x3F);
        dst[o + 3] = (byte) (0x80 | cp & 0x3F);
        return o + 4;
    }
}
