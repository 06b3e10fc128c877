package dev.uppercase.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The transform and its charset: the whole of what the service does to text. A reply is the UTF-8 encoding of the
 * request's full upper case, Unicode 17.0's as ICU's root locale gives it, whatever the JDK, written straight as
 * bytes: the upper case of each character comes from {@link UppercaseTable}, so the cost is linear in the text
 * whatever the text.
 */
public final class Uppercase {
    /** The Unicode version of the mapping, e.g. "17.0", and the ICU it was generated from, e.g. "78.1". */
    public static final String UNICODE_VERSION = UppercaseTable.UNICODE_VERSION;
    public static final String ICU_VERSION = UppercaseTable.ICU_VERSION;
    /** Which upper case this is, for --version and the server's ready line. */
    public static final String MAPPING = "Unicode " + UNICODE_VERSION + " upper case (from ICU4J " + ICU_VERSION + ")";

    /** Requests and replies are UTF-8 on both transports; invalid input decodes to U+FFFD. */
    public static final Charset CHARSET = StandardCharsets.UTF_8;

    /** The most UTF-8 bytes the upper case of one UTF-16 code unit takes: {@code ΐ} (U+0390) becomes 6. */
    static final int MAX_BYTES_PER_CHAR = 6;
    /** Text is encoded this many code units at a time, so the room reserved ahead is bounded, not six times a line. */
    private static final int BLOCK = 4096;
    /** From this length, a line that starts in ASCII is tried as all ASCII, many bytes at a time. */
    private static final int LONG_ASCII = 128;
    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

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
     * Appends the upper case of {@code text}, as UTF-8, to {@code out}, and returns the number of bytes written. Long
     * ASCII goes through this thread's {@link Scratch} a block at a time, whatever the buffer; other text is written
     * in place into a heap buffer's array, and through the scratch into any other buffer. A lone surrogate becomes
     * {@code ?}, as the JDK's encoder writes it (text decoded from bytes never holds one).
     */
    public static int writeUtf8(ByteBuf out, String text) {
        int start = out.writerIndex();
        if (!writeLongAscii(out, text)) {
            writeCharacters(out, text);
        }
        return out.writerIndex() - start;
    }

    /**
     * {@link #writeUtf8} for a frame of lines (each ending in a line feed, the last perhaps not), returning how many
     * lines it held.
     */
    public static int writeLines(ByteBuf out, String lines) {
        if (lines.isEmpty()) {
            return 0;
        }
        writeUtf8(out, lines);
        int n = lines.charAt(lines.length() - 1) == '\n' ? 0 : 1;
        for (int i = lines.indexOf('\n'); i >= 0; i = lines.indexOf('\n', i + 1)) { // the JDK's vectorised search
            n++;
        }
        return n;
    }

    private static void writeCharacters(ByteBuf out, String text) {
        int length = text.length();
        for (int from = 0; from < length; ) {
            int to = Math.min(length, from + BLOCK);
            if (to < length && Character.isHighSurrogate(text.charAt(to - 1))) {
                to--; // keep the pair in one block
            }
            if (out.hasArray()) {
                // ASCII first, which takes exactly a byte a character; room for the longest only once past it.
                out.ensureWritable(to - from);
                int base = out.arrayOffset();
                int ascii = encodeAscii(text, from, to, out.array(), base + out.writerIndex());
                out.writerIndex(out.writerIndex() + ascii);
                if (from + ascii < to) {
                    out.ensureWritable(MAX_BYTES_PER_CHAR * (to - from - ascii));
                    base = out.arrayOffset();
                    out.writerIndex(encode(text, from + ascii, to, out.array(), base + out.writerIndex()) - base);
                }
            } else {
                byte[] encoded = SCRATCH.get().encoded;
                int ascii = encodeAscii(text, from, to, encoded, 0);
                out.writeBytes(encoded, 0, from + ascii < to ? encode(text, from + ascii, to, encoded, ascii) : ascii);
            }
            from = to;
        }
    }

    /**
     * A long text that may be all ASCII: the JDK's vectorised encoder copies it out (and says, by its length, whether
     * it was all ASCII), then it is upper-cased by loops the JIT vectorises too ({@link Scratch}). Returns false,
     * having written nothing, for a short text or one that was not all ASCII.
     */
    private static boolean writeLongAscii(ByteBuf out, String text) {
        if (text.length() < LONG_ASCII || text.charAt(0) >= 0x80) {
            return false;
        }
        byte[] ascii = text.getBytes(StandardCharsets.UTF_8);
        int n = ascii.length;
        if (n != text.length()) {
            return false;
        }
        out.ensureWritable(n);
        Scratch scratch = SCRATCH.get();
        for (int from = 0; from < n; from += BLOCK) {
            int length = Math.min(BLOCK, n - from);
            System.arraycopy(ascii, from, scratch.ascii, 0, length);
            scratch.upperAscii(length);
            out.writeBytes(scratch.ascii, 0, length);
        }
        return true;
    }

    /**
     * What the transform writes through on one thread (an event loop's), a block at a time, so that it allocates
     * nothing per text: its ASCII, and the encoding of other text bound for a buffer with no array of its own (a
     * direct one, as replies are).
     *
     * <p>ASCII is upper-cased in two arrays, both indexed from 0, because that is what Java 17's auto-vectoriser needs
     * to turn a loop into vector instructions, many bytes at a time: it takes no loop whose arrays are indexed apart
     * (they might be one array), and neither a comparison nor a right shift of a computed value, only of a byte it
     * loads. So a first pass stores a flag per byte, and a second loads it back and applies it; one pass a byte at a
     * time, or eight at a time in a long, costs several times both.
     */
    private static final class Scratch {
        final byte[] ascii = new byte[BLOCK];
        final byte[] flags = new byte[BLOCK];
        final byte[] encoded = new byte[MAX_BYTES_PER_CHAR * BLOCK];

        void upperAscii(int length) {
            byte[] t = ascii;
            byte[] f = flags;
            for (int i = 0; i < length; i++) {
                // Every byte is under 0x80, so no sum carries past bit 7: bit 7 of b + 0x1F says b >= 'a', and of
                // b + 0x05 that b > 'z'. The flag is 0x80 for a lower-case letter, else 0.
                f[i] = (byte) ((t[i] + 0x1F) & ~(t[i] + 0x05) & 0x80);
            }
            for (int i = 0; i < length; i++) {
                t[i] = (byte) (t[i] + (f[i] >> 2)); // the flag, as a byte, is -128: -0x20
            }
        }
    }

    /**
     * Writes the upper case of {@code text[from, to)} into {@code dst} from {@code offset} as long as it is ASCII, the
     * common case, at one byte a character; returns how many characters it wrote.
     */
    private static int encodeAscii(String text, int from, int to, byte[] dst, int offset) {
        int[] entries = UppercaseTable.ENTRIES;
        int i = from;
        for (char c; i < to && (c = text.charAt(i)) < 0x80; i++) {
            dst[offset + i - from] = (byte) entries[c];
        }
        return i - from;
    }

    /**
     * Writes the upper case of {@code text[from, to)} into {@code dst} from {@code offset}, which must have room for
     * {@link #MAX_BYTES_PER_CHAR} bytes per code unit, and returns the offset after the last byte written.
     */
    private static int encode(String text, int from, int to, byte[] dst, int offset) {
        int[] entries = UppercaseTable.ENTRIES;
        int o = offset;
        for (int i = from; i < to; i++) {
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
                o = encodeSupplementary(UppercaseTable.upperSupplementary(Character.toCodePoint(c, text.charAt(++i))),
                        dst, o);
            } else {
                dst[o++] = '?';
            }
        }
        return o;
    }

    /** A supplementary code point's four UTF-8 bytes (its upper case is one too: the table checks its data). */
    private static int encodeSupplementary(int cp, byte[] dst, int o) {
        dst[o] = (byte) (0xF0 | cp >> 18);
        dst[o + 1] = (byte) (0x80 | cp >> 12 & 0x3F);
        dst[o + 2] = (byte) (0x80 | cp >> 6 & 0x3F);
        dst[o + 3] = (byte) (0x80 | cp & 0x3F);
        return o + 4;
    }
}
