package dev.uppercase.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The documented answer, computed without the codec: the JDK's {@code toUpperCase(Locale.ROOT)}, as UTF-8. Called on
 * one code point at a time, which is exact (no context rules under {@code Locale.ROOT}) and linear: on a whole string
 * the JDK takes time in the square of its growing characters, minutes for a corpus at the line limit.
 */
public final class UpperCaseReference {

    private UpperCaseReference() {}

    /** The reply the server owes these request bytes: decoded as UTF-8 with U+FFFD, upper-cased, encoded. */
    public static byte[] of(byte[] request) {
        return of(new String(request, StandardCharsets.UTF_8));
    }

    public static byte[] of(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> out.writeBytes(
                new String(Character.toChars(cp)).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        return out.toByteArray();
    }

    /** The JDK's answer for the whole string at once: quadratic in its growing characters, so only for short text. */
    public static byte[] wholeString(String text) {
        return text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Every code point whose upper case is longer than itself in UTF-16 ({@code ß} → {@code SS}, {@code ΐ} → three):
     * the characters that made the JDK copy its whole result again, one by one.
     */
    public static int[] growingCodePoints() {
        return IntStream.rangeClosed(0, Character.MAX_CODE_POINT).filter(cp -> {
            String s = new String(Character.toChars(cp));
            return s.toUpperCase(Locale.ROOT).length() > s.length();
        }).toArray();
    }

    /** {@code text} repeated as often as it fits whole in {@code bytes} of UTF-8. */
    public static String repeatedTo(String text, int bytes) {
        return text.repeat(bytes / text.getBytes(StandardCharsets.UTF_8).length);
    }
}
