package dev.uppercase.codec;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The transform and its charset: the whole of what the service does to text. */
public final class Uppercase {

    /** Requests and replies are UTF-8 on both transports; invalid input decodes to U+FFFD. */
    public static final Charset CHARSET = StandardCharsets.UTF_8;

    private Uppercase() {}

    /**
     * Full Unicode upper-case mapping, independent of the JVM's default locale (a Turkish default would otherwise
     * turn {@code i} into {@code İ}). One-to-many mappings are applied in full: {@code ß} becomes {@code SS}.
     */
    public static String apply(String text) {
        return text.toUpperCase(Locale.ROOT);
    }
}
