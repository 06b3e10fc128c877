package dev.uppercase.testing;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.util.ULocale;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

/**
 * The documented answer, computed without the codec: Unicode 17.0's full upper case, ICU4J's
 * {@code UCharacter.toUpperCase(ULocale.ROOT, ...)}, as UTF-8, whatever JDK runs the tests. Called on one code point at
 * a time, which is exact (no context rules under the root locale), or on the whole string, which ICU does in linear
 * time too.
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
                upper(new String(Character.toChars(cp))).getBytes(StandardCharsets.UTF_8)));
        return out.toByteArray();
    }

    /** ICU's answer for the whole string at once. */
    public static byte[] wholeString(String text) {
        return upper(text).getBytes(StandardCharsets.UTF_8);
    }

    /** The full upper case of {@code text}, as a string. */
    public static String upper(String text) {
        return UCharacter.toUpperCase(ULocale.ROOT, text);
    }

    /**
     * Every code point whose upper case is longer than itself in UTF-16 ({@code ß} → {@code SS}, {@code ΐ} → three):
     * the characters that made the JDK's own toUpperCase copy its whole result again, one by one.
     */
    public static int[] growingCodePoints() {
        return IntStream.rangeClosed(0, Character.MAX_CODE_POINT).filter(cp -> {
            String s = new String(Character.toChars(cp));
            return upper(s).length() > s.length();
        }).toArray();
    }

    /** Every code point whose upper case is not itself: the ones the mapping holds. */
    public static int[] changingCodePoints() {
        return IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE).filter(cp -> {
                    String s = new String(Character.toChars(cp));
                    return !upper(s).equals(s);
                }).toArray();
    }

    /** {@code text} repeated as often as it fits whole in {@code bytes} of UTF-8. */
    public static String repeatedTo(String text, int bytes) {
        return text.repeat(bytes / text.getBytes(StandardCharsets.UTF_8).length);
    }
}
