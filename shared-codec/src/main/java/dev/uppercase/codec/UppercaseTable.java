package dev.uppercase.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The upper case of every UTF-16 code unit, as the UTF-8 bytes to send, and of every supplementary code point: Unicode
 * 17.0's full upper-case mapping as ICU's root locale gives it, shipped as data ({@code uppercase-mapping.txt}, beside
 * this class) that a test generates from ICU4J and checks against it. The answers are the same on any JDK, whatever
 * Unicode its own {@code toUpperCase} knows; looking one up costs one array read, linear whatever the text (the JDK
 * copies its whole result again for every character that grows, {@code ß} → {@code SS}: quadratic).
 *
 * <p>Upper-casing under the root locale has no context rules (those belong to Turkish, Azeri, Lithuanian and Greek),
 * so a character's upper case never depends on its neighbours and a table per character is exact. A supplementary
 * character maps to one supplementary character, or to itself: the data is checked for it as it loads.
 */
final class UppercaseTable {
    /** The Unicode version of the mapping, and the ICU that produced it, as its data says. */
    static final String UNICODE_VERSION;
    static final String ICU_VERSION;

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
    /** The supplementary code points that change, in order, and their upper cases. */
    private static final int[] SUPPLEMENTARY_FROM;
    private static final int[] SUPPLEMENTARY_TO;
    private static final int SUPPLEMENTARY_LAST;

    static {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            ENTRIES[c] = Character.isSurrogate((char) c) ? SURROGATE : packed((char) c);
        }
        // Read by hand, without streams, regular expressions or lambdas: start-up stays as fast as it was.
        String unicode = null;
        String icu = null;
        long[] longOnes = new long[16];
        int longCount = 0;
        int[] supplementary = new int[2 * 512];
        int supplementaryCount = 0;
        int[] to = new int[8];
        for (String line : mappingLines()) {
            if (line.startsWith("# unicode ")) {
                unicode = line.substring("# unicode ".length());
            } else if (line.startsWith("# icu ")) {
                icu = line.substring("# icu ".length());
            }
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int semicolon = line.indexOf(';');
            int from = Integer.parseInt(line, 0, semicolon, 16);
            int n = 0;
            for (int start = semicolon + 1; start < line.length(); n++) {
                int end = line.indexOf(' ', start);
                end = end < 0 ? line.length() : end;
                if (n == to.length) {
                    throw new IllegalStateException(line + ": longer than any upper case");
                }
                to[n] = Integer.parseInt(line, start, end, 16);
                start = end + 1;
            }
            if (from > Character.MAX_VALUE) {
                if (n != 1 || to[0] <= Character.MAX_VALUE) {
                    throw new IllegalStateException(line + ": a supplementary character must map to one");
                }
                if (supplementaryCount == supplementary.length) {
                    supplementary = Arrays.copyOf(supplementary, 2 * supplementary.length);
                }
                supplementary[supplementaryCount++] = from;
                supplementary[supplementaryCount++] = to[0];
                continue;
            }
            byte[] utf8 = new String(to, 0, n).getBytes(StandardCharsets.UTF_8);
            if (utf8.length > Uppercase.MAX_BYTES_PER_CHAR) {
                throw new IllegalStateException(line + ": over " + Uppercase.MAX_BYTES_PER_CHAR + " bytes");
            }
            long packed = 0; // the bytes, first byte lowest
            for (int i = utf8.length - 1; i >= 0; i--) {
                packed = packed << 8 | (utf8[i] & 0xFF);
            }
            if (utf8.length <= 3) {
                ENTRIES[from] = utf8.length << 24 | (int) packed;
            } else {
                if (longCount == longOnes.length) {
                    longOnes = Arrays.copyOf(longOnes, 2 * longOnes.length);
                }
                ENTRIES[from] = longCount;
                longOnes[longCount++] = (long) utf8.length << 56 | packed;
            }
        }
        LONG = Arrays.copyOf(longOnes, longCount);
        SUPPLEMENTARY_FROM = new int[supplementaryCount / 2];
        SUPPLEMENTARY_TO = new int[supplementaryCount / 2];
        for (int i = 0; i < SUPPLEMENTARY_FROM.length; i++) {
            SUPPLEMENTARY_FROM[i] = supplementary[2 * i];
            SUPPLEMENTARY_TO[i] = supplementary[2 * i + 1];
        }
        SUPPLEMENTARY_LAST = SUPPLEMENTARY_FROM.length == 0 ? 0 : SUPPLEMENTARY_FROM[SUPPLEMENTARY_FROM.length - 1];
        if (unicode == null || icu == null) {
            throw new IllegalStateException("uppercase-mapping.txt names no Unicode or ICU version");
        }
        UNICODE_VERSION = unicode;
        ICU_VERSION = icu;
    }

    private static List<String> mappingLines() {
        try (InputStream in = UppercaseTable.class.getResourceAsStream("uppercase-mapping.txt")) {
            if (in == null) {
                throw new IllegalStateException("uppercase-mapping.txt is missing from the codec's jar");
            }
            return Arrays.asList(new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The upper case of a supplementary code point: another one, or itself. */
    static int upperSupplementary(int cp) {
        // Cased scripts outside the BMP all lie in plane 1 below the emoji: most text there needs no search.
        if (cp > SUPPLEMENTARY_LAST) {
            return cp;
        }
        int i = Arrays.binarySearch(SUPPLEMENTARY_FROM, cp);
        return i >= 0 ? SUPPLEMENTARY_TO[i] : cp;
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
