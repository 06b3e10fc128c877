package dev.uppercase.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uppercase.codec.Environment;
import dev.uppercase.testing.ReadmeTable;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/** The README's client flag table cannot drift from the client's flags. */
class ReadmeClientTableTest {

    @Test
    void everyClientFlagHasItsRowWithItsEnvironmentVariable() throws Exception {
        Map<String, String> rows = ReadmeTable.flags("## The client jar");
        Set<String> flags = new TreeSet<>();
        for (OptionSpec option : ClientSettings.commandLine(Map.of()).getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                flags.add(option.longestName());
                assertEquals(Environment.variableFor(option.longestName()), rows.get(option.longestName()),
                        option.longestName() + "'s row names its variable");
            }
        }
        assertEquals(flags, new TreeSet<>(rows.keySet()), "flags and README rows");
    }
}
