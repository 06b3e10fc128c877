package dev.uppercase.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.cli.Environment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

class ClientSettingsTest {

    @Test
    void settingsBuildWithoutTheCommandLineAndItsDefaultsAreTheBuildersOwn() {
        assertEquals(ClientSettings.builder().build(), ClientSettings.parse(new String[0], Map.of()));
        assertEquals(12443, ClientSettings.builder().port(12443).build().port());
    }

    @Test
    void defaultsTalkTcpToLocalhost12000() {
        ClientSettings s = ClientSettings.parse(new String[0], Map.of());
        assertEquals("localhost", s.host());
        assertEquals(12000, s.port());
        assertEquals(false, s.udp());
        assertEquals(Duration.ofSeconds(1), s.timeout());
        assertEquals(3, s.tries());
        assertEquals(List.of(), s.words());
    }

    @Test
    void wordsAreTheOneShotText() {
        assertEquals(List.of("hello", "world"),
                ClientSettings.parse(new String[] {"hello", "world"}, Map.of()).words());
    }

    @Test
    void everyFlagHasTheEnvironmentVariableItsHelpNames() {
        ClientSettings defaults = ClientSettings.parse(new String[0], Map.of());
        for (OptionSpec option : ClientSettings.commandLine(Map.of()).getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String env = Environment.variableFor(option.longestName());
            assertTrue(String.join(" ", option.description()).contains("Env " + env + "."),
                    option.longestName() + " help must name " + env);
            boolean flag = option.arity().max() == 0;
            String value = flag ? "true" : option.type() == Duration.class ? "3s"
                    : option.type() == String.class ? "example.org" : "7";
            // The TLS files need --tls (and a certificate its key): set those too, look for the change against them.
            List<String> companions = new ArrayList<>();
            if (option.longestName().startsWith("--tls-")) {
                companions.add("--tls");
            }
            if (option.longestName().matches("--tls-(cert|key)")) {
                companions.addAll(List.of(option.longestName().equals("--tls-cert") ? "--tls-key" : "--tls-cert", "x"));
            }
            ClientSettings fromEnv = ClientSettings.parse(companions.toArray(String[]::new), Map.of(env, value));
            ClientSettings without = option.longestName().startsWith("--tls-")
                    ? ClientSettings.parse(new String[] {"--tls", "--tls-cert", "c", "--tls-key", "k"}, Map.of())
                    : defaults;
            companions.add(option.longestName());
            if (!flag) {
                companions.add(value);
            }
            ClientSettings fromFlag = ClientSettings.parse(companions.toArray(String[]::new), Map.of());
            assertEquals(fromFlag, fromEnv, env + " must act like " + option.longestName());
            assertNotEquals(without, fromFlag, option.longestName() + " must change a setting");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--port=0", "--port=x", "--tries=0", "--timeout=0", "--timeout=1", "--max-datagram-size=-1",
        "--frob"})
    void rejectsBadValues(String arg) {
        assertThrows(ParameterException.class, () -> ClientSettings.parse(new String[] {arg}, Map.of()));
    }
}
