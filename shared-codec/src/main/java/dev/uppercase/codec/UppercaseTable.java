package dev.uppercase.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The upper case of every UTF-16 code unit, as the UTF-8 bytes to send, read once from the running JDK's own
 * {@code String.toUpperCase(Locale.ROOT)}: the answers are the JDK's by construction (whatever its Unicode version),
 * while looking one up costs one array read instead of the JDK's copy of its whole result for every character that
 * grows ({@code ß} → {@code SS}), which made a line of them cost time in the square of its length.
 *
 * <p>Upper-casing under {@code Locale.ROOT} has no context rules (those belong to Turkish, Azeri and Lithuanian), so
 * a character's upper case never depends on its neighbours and a table per character is exact. Characters outside
 * the BMP (a surrogate pair) never grow: they are mapped with {@link Character#toUpperCase(int)}, and the tests check
 * both facts for every code point.
 */
final class UppercaseTable {

    /**
     * Per code unit: its upper case's UTF-8 bytes in bits 0–23 (first byte lowest) and their count in bits 24–31,
     * when that is 1 to 3 bytes; otherwise 0 in bits 24–31 and, in bits 0–23, {@link #SURROGATE} or an index into
     * {@link #LONG}.
     */
    static final int[] ENTRIES = new int[Character.MAX_VALUE + 1];
    /**
     * The few expansions over 3 bytes ({@code ΐ} → {@code Ϊ́}, 6 bytes), by the index their entry holds: the bytes in
     * bits 0–47 (first byte lowest), their count in bits 56–63.
     */
    static final long[] LONG;
    static final int SURROGATE = 0xFFFFFF;

    static {
        List<Long> longOnes = new ArrayList<>();
        char[] block = new char[256];
        for (int base = 0; base <= Character.MAX_VALUE; base += block.length) {
            if (Character.isSurrogate((char) base)) { // U+D800 to U+DFFF: whole blocks of surrogates
                Arrays.fill(ENTRIES, base, base + block.length, SURROGATE);
                continue;
            }
            for (int i = 0; i < block.length; i++) {
                block[i] = (char) (base + i);
            }
            // A block at a time: 256 calls instead of 65,536 at start-up. A block that grows is read one by one.
            String upper = new String(block).toUpperCase(Locale.ROOT);
            for (int i = 0; i < block.length; i++) {
                if (upper.length() == block.length) {
                    ENTRIES[base + i] = packed(upper.charAt(i));
                    continue;
                }
                byte[] utf8 = String.valueOf(block[i]).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
                if (utf8.length > Uppercase.MAX_BYTES_PER_CHAR) {
                    throw new IllegalStateException("U+" + Integer.toHexString(base + i) + " grows to "
                            + utf8.length + " bytes in this JDK, over " + Uppercase.MAX_BYTES_PER_CHAR);
                }
                long packed = 0; // the bytes, first byte lowest
                for (int b = utf8.length - 1; b >= 0; b--) {
                    packed = packed << 8 | (utf8[b] & 0xFF);
                }
                if (utf8.length <= 3) {
                    ENTRIES[base + i] = utf8.length << 24 | (int) packed;
                } else {
                    ENTRIES[base + i] = longOnes.size();
                    longOnes.add((long) utf8.length << 56 | packed);
                }
            }
        }
        LONG = longOnes.stream().mapToLong(Long::longValue).toArray();
    }

    /** A BMP character's UTF-8 bytes and their count, in the entry format. */
    private static int packed(char c) {
        if (c < 0x80) {
            return 1 << 24 | c;
        }
        if (c < 0x800) {
            return 2 << 24 | (0x80 | c & 0x3F) << 8 | 0xC0 | c >> 6;
        }
        return 3 << 24 | (0x80 | c & 0x3F) << 16 | (0x80 | c >> 6 & 0x3F) << 8 | 0xE0 | c >> 12;
    }

    private UppercaseTable() {}
}
