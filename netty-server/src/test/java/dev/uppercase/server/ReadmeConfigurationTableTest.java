package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.codec.Environment;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/** The README's server configuration table cannot drift from the flags: every flag a row, every row a flag. */
class ReadmeConfigurationTableTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(--[a-z-]+)[^`]*` \\| `?([A-Z_]*)`? \\|");

    @Test
    void everyServerFlagHasItsRowWithItsEnvironmentVariable() throws Exception {
        List<String> readme = Files.readAllLines(Paths.get("..", "README.md"));
        int start = readme.indexOf("## Configuration");
        assertTrue(start >= 0, "the README has a Configuration section");
        Map<String, String> rows = readme.stream().skip(start)
                .takeWhile(l -> !l.startsWith("## ") || l.equals("## Configuration"))
                .map(ROW::matcher).filter(Matcher::find)
                .collect(Collectors.toMap(m -> m.group(1), m -> m.group(2)));
        Set<String> flags = new TreeSet<>();
        for (OptionSpec option : ServerSettings.commandLine(Map.of()).getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                flags.add(option.longestName());
                assertEquals(Environment.variableFor(option.longestName()), rows.get(option.longestName()),
                        option.longestName() + "'s row names its variable");
            }
        }
        assertEquals(flags, new TreeSet<>(rows.keySet()), "flags and README rows");
    }
}
