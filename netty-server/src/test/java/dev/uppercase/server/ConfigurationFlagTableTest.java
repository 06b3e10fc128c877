package dev.uppercase.server;

import dev.uppercase.testing.ReadmeTable;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/** The README's server configuration table cannot drift from the flags: every flag a row, every row a flag. */
class ReadmeConfigurationTableTest {
    @Test
    void everyServerFlagHasItsRowWithItsEnvironmentVariable() throws Exception {
        ReadmeTable.assertRowsFor("## Configuration", ServerSettings.commandLine(Map.of()).getCommandSpec().options().stream()
                .filter(option -> !option.usageHelp() && !option.versionHelp())
                .map(OptionSpec::longestName)
                .collect(Collectors.toList()));
    }
}
