package dev.uppercase.client;

import dev.uppercase.testing.ReadmeTable;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/** The README's client flag table cannot drift from the client's flags. */
class ReadmeClientTableTest {

    @Test
    void everyClientFlagHasItsRowWithItsEnvironmentVariable() throws Exception {
        ReadmeTable.assertRowsFor("## The client jar", ClientSettings.commandLine(Map.of()).getCommandSpec()
                .options().stream()
                .filter(option -> !option.usageHelp() && !option.versionHelp())
                .map(OptionSpec::longestName)
                .collect(Collectors.toList()));
    }
}
