package dev.uppercase.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

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
        text.codePoints().forEach(cp ->
                out.writeBytes(new String(Character.toChars(cp)).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        return out.toByteArray();
    }

    /** The JDK's answer for the whole string at once: quadratic in its growing characters, so only for short text. */
    public static byte[] wholeString(String text) {
        return text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }
}
