package dev.uppercase.client;

import dev.uppercase.client.bench.Bench;
import dev.uppercase.testing.FlagTable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** docs/client.md's flag tables cannot drift from the client's flags, nor from bench mode's. */
class ClientFlagTableTest {

    private static List<String> longFlags(CommandLine cl) {
        return cl.getCommandSpec().options().stream()
                .filter(option -> !option.usageHelp() && !option.versionHelp())
                .map(OptionSpec::longestName)
                .collect(Collectors.toList());
    }

    @Test
    void everyClientFlagHasItsRowWithItsEnvironmentVariable() throws Exception {
        FlagTable.assertRowsFor("docs/client.md", "## Flags", longFlags(ClientSettings.commandLine(Map.of())));
    }

    @Test
    void everyBenchFlagHasItsRowWithItsEnvironmentVariable() throws Exception {
        FlagTable.assertRowsFor("docs/client.md", "## Bench mode", longFlags(Bench.commandLine(Map.of())));
    }
}
