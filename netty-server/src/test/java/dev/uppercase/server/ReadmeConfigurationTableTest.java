package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uppercase.codec.Environment;
import dev.uppercase.testing.ReadmeTable;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/** The README's server configuration table cannot drift from the flags: every flag a row, every row a flag. */
class ReadmeConfigurationTableTest {
    @Test
    void everyServerFlagHasItsRowWithItsEnvironmentVariable() throws Exception {
        Map<String, String> rows = ReadmeTable.flags("## Configuration");
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
