package dev.uppercase.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uppercase.cli.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads a flag table from the documentation, so that tests can hold it to the code. */
public final class FlagTable {
    /** A row: the flag (after an optional short form), the variable (or nothing), then the rest. */
    private static final Pattern ROW =
            Pattern.compile("^\\| (?:`-[a-zA-Z]`, )?`(--[a-z-]+)[^`]*`[^|]* \\| `?([A-Z_]*)`? \\|");

    private FlagTable() {}

    /**
     * The rows of the flag table under {@code heading} (up to the next heading of the same level) in {@code doc} (a
     * path from the repository's root), as flag to environment variable ("" where the row names none). Run from a
     * module directory: the root is one up.
     */
    public static Map<String, String> flags(String doc, String heading) throws IOException {
        List<String> lines = Files.readAllLines(Paths.get("..", doc));
        int start = lines.indexOf(heading);
        if (start < 0) {
            throw new AssertionError(doc + " has no " + heading);
        }
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        return lines.subList(start + 1, lines.size()).stream()
                .takeWhile(l -> !l.startsWith(level))
                .map(ROW::matcher)
                .filter(Matcher::find)
                .filter(m -> !m.group(1).equals("--help"))
                .collect(Collectors.toMap(m -> m.group(1), m -> m.group(2)));
    }

    /**
     * Holds the table under {@code heading} in {@code doc} to a command's flags: every flag has a row naming its
     * environment variable, and every row is a flag.
     */
    public static void assertRowsFor(String doc, String heading, Collection<String> longFlags) throws IOException {
        Map<String, String> rows = flags(doc, heading);
        for (String flag : longFlags) {
            assertEquals(Environment.variableFor(flag), rows.get(flag), flag + "'s row names its variable");
        }
        assertEquals(new TreeSet<>(longFlags), new TreeSet<>(rows.keySet()), "flags and " + doc + " rows");
    }
}
