package dev.uppercase.server.config;

import dev.uppercase.testing.FlagTable;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/** docs/configuration.md's flag table cannot drift from the server's flags: every flag a row, every row a flag. */
class ConfigurationFlagTableTest {
    @Test
    void everyServerFlagHasItsRowWithItsEnvironmentVariable() throws Exception {
        FlagTable.assertRowsFor("docs/configuration.md", "## Flags", ServerCommandLine.commandLine(Map.of())
                .getCommandSpec().options().stream()
                .filter(option -> !option.usageHelp() && !option.versionHelp())
                .map(OptionSpec::longestName)
                .collect(Collectors.toList()));
    }
}
