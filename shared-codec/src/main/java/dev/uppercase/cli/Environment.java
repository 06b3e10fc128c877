package dev.uppercase.cli;

import java.util.Locale;

/**
 * The naming rule that gives every flag of the server and the client its environment variable:
 * {@code --max-line-length} is {@code UPPERCASE_MAX_LINE_LENGTH}. One rule, so a container's configuration and
 * the documentation can never disagree with the flags.
 */
public final class Environment {
    private static final String PREFIX = "UPPERCASE_";

    private Environment() {}

    public static String variableFor(String longFlag) {
        return PREFIX + longFlag.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
