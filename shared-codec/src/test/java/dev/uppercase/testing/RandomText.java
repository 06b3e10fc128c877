package dev.uppercase.testing;

import java.util.Random;

/** Seeded generators of valid text for property tests: many scripts, special casings, non-BMP characters. */
public final class RandomText {
    private static final int[][] RANGES = {
        {0x20, 0x7E}, // ASCII printable
        {0xA0, 0x24F}, // Latin-1, Latin Extended (ß, ŉ, ÿ ...)
        {0x370, 0x3FF}, // Greek (ΐ, ΰ expand to three code points)
        {0x400, 0x4FF}, // Cyrillic
        {0x530, 0x58F}, // Armenian (և expands)
        {0x1E00, 0x1FFF}, // Latin Extended Additional, Greek Extended (many special casings)
        {0xFB00, 0xFB17}, // ligatures: ﬃ -> FFI
        {0x4E00, 0x4E80}, // CJK
        {0x10400, 0x1044F}, // Deseret: non-BMP letters with case
        {0x1F600, 0x1F64F}, // emoji
    };

    private RandomText() {}

    /** A line of up to {@code maxCodePoints} code points with no '\n' (a lone '\r' may occur, never last). */
    public static String line(Random random, int maxCodePoints) {
        int n = random.nextInt(maxCodePoints + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (random.nextInt(50) == 0 && i < n - 1) {
                sb.append(random.nextBoolean() ? '\r' : '\t');
                continue;
            }
            int[] range = RANGES[random.nextInt(RANGES.length)];
            int cp = range[0] + random.nextInt(range[1] - range[0] + 1);
            if (Character.isDefined(cp) && !Character.isSurrogate((char) cp) && cp != 0x85 && cp != 0x2028) {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }
}
