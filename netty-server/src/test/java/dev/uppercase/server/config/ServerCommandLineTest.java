package dev.uppercase.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.cli.Environment;
import dev.uppercase.server.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** The server's command line: flags, environment variables, and the one line a bad value gets. */
class ServerCommandLineTest {

    private static ServerSettings parse(Map<String, String> env, String... args) {
        return ServerCommandLine.parse(args, env);
    }

    @Test
    void defaultsAreTheTextbookPortOnEveryInterface() {
        ServerSettings s = parse(Map.of());
        assertNull(s.bind());
        assertEquals(12000, s.tcpPort());
        assertEquals(12000, s.udpPort());
        assertEquals(65_536, s.maxLineLength());
        assertEquals(Duration.ofMillis(200), s.quietPeriod());
        assertEquals(65_507, s.maxDatagramSize());
        assertEquals(4 * 1024 * 1024, s.udpReceiveBuffer());
        assertEquals(Duration.ofSeconds(5), s.drainTimeout());
        assertEquals(ServerSettings.Defaults.maxConnections(), s.maxConnections());
        assertEquals(Duration.ofMinutes(5), s.idleTimeout());
        assertEquals(64 * 1024, s.writeBufferSize());
        assertEquals(Transport.AUTO, s.transport());
    }

    @Test
    void settingsBuildWithoutTheCommandLineAndItsDefaultsAreTheBuildersOwn() {
        assertEquals(ServerSettings.builder().build(), parse(Map.of()));
        ServerSettings changed = ServerSettings.builder().port(0).idleTimeout(Duration.ofSeconds(2)).build();
        assertEquals(0, changed.tcpPort());
        assertEquals(0, changed.udpPort());
        assertEquals(Duration.ofSeconds(2), changed.idleTimeout());
        assertEquals(changed, changed.toBuilder().build());
        assertEquals(ServerSettings.builder().build().log(), parse(Map.of("UPPERCASE_LOG_LEVEL", "info")).log());
    }

    @Test
    void theDefaultConnectionLimitLeavesHeadroomUnderTheDescriptorLimit() {
        long fds = ((com.sun.management.UnixOperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        int max = ServerSettings.Defaults.maxConnections();
        assertTrue(max > 0 && max <= fds - 64, max + " of " + fds);
    }

    @Test
    void portSetsBothProtocolsAndTheSpecificFlagsOverrideIt() {
        ServerSettings s = parse(Map.of(), "--port", "7000", "--udp-port", "7001");
        assertEquals(7000, s.tcpPort());
        assertEquals(7001, s.udpPort());
    }

    @Test
    void environmentVariablesSetEverySetting() throws Exception {
        ServerSettings s = parse(Map.of(
                "UPPERCASE_PORT", "9000",
                "UPPERCASE_TCP_PORT", "9001",
                "UPPERCASE_BIND", "::1",
                "UPPERCASE_MAX_LINE_LENGTH", "100",
                "UPPERCASE_QUIET_PERIOD", "0",
                "UPPERCASE_MAX_DATAGRAM_SIZE", "512",
                "UPPERCASE_UDP_RECEIVE_BUFFER", "0",
                "UPPERCASE_DRAIN_TIMEOUT", "1m",
                "UPPERCASE_MAX_CONNECTIONS", "10",
                "UPPERCASE_IDLE_TIMEOUT", "0"));
        assertEquals(9001, s.tcpPort());
        assertEquals(9000, s.udpPort());
        assertEquals(InetAddress.getByName("::1"), s.bind());
        assertEquals(100, s.maxLineLength());
        assertEquals(Duration.ZERO, s.quietPeriod());
        assertEquals(512, s.maxDatagramSize());
        assertEquals(0, s.udpReceiveBuffer());
        assertEquals(Duration.ofMinutes(1), s.drainTimeout());
        assertEquals(10, s.maxConnections());
        assertEquals(Duration.ZERO, s.idleTimeout());
    }

    @Test
    void aFlagWinsOverTheEnvironment() {
        assertEquals(8000, parse(Map.of("UPPERCASE_PORT", "9000"), "--port", "8000").tcpPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--port=abc", "--port=-1", "--port=65536", "--tcp-port=70000", "--max-line-length=0",
        "--quiet-period=fast", "--drain-timeout=5", "--max-datagram-size=70000", "--bind=no.such.host.invalid",
        "--max-connections=0", "--idle-timeout=forever", "--write-buffer-size=10", "--transport=kqueue",
        "--frobnicate", "stray-argument", "--log-level=loud", "--log-format=yaml", "--log-config=no-such-file.xml",
        "--udp-reply-rate=-1", "--tls-handshake-timeout=0",
        "--udp-receive-buffer=-1", "--udp-receive-buffer=2000000000",
        "--max-connections-per-source=-1", "--udp-reply-bytes=65535", "--udp-reply-bytes=-1",
        "--udp-reply-rate-exempt=10.0.0.0/33", "--max-connections-per-source-exempt=not-an-address",
        "--proxy-protocol-from=host.example", "--proxy-protocol-timeout=0"
    })
    void rejectsBadInputWithOneLine(String arg) {
        ParameterException e = assertThrows(ParameterException.class, () -> parse(Map.of(), arg));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void everyFlagHasTheEnvironmentVariableItsHelpNames() {
        CommandLine cl = ServerCommandLine.commandLine(Map.of());
        for (OptionSpec option : cl.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String env = Environment.variableFor(option.longestName());
            assertTrue(String.join(" ", option.description()).contains("Env " + env + "."),
                    option.longestName() + " help must name " + env);
            String value = option.type() == Duration.class ? "3s" : option.type() == Transport.class ? "nio"
                    : option.longestName().contains("bind") ? "::1"
                    : option.longestName().equals("--log-level") ? "debug"
                    : option.longestName().equals("--log-format") ? "json"
                    : option.longestName().equals("--log-config") ? "pom.xml" // any readable file
                    : option.longestName().matches("--(allow|deny|proxy-protocol-from|.*-exempt)") ? "10.0.0.0/8,::1"
                    : option.longestName().matches("--(memory-budget|udp-reply-bytes)") ? "1048576" : "4242";
            // A TLS flag needs the others of the listener: set them too, and look for the change against them alone.
            List<String> companions = new ArrayList<>();
            List<String> tlsListener = List.of("--tls-port", "0", "--tls-cert", "cert.pem", "--tls-key", "key.pem");
            if (option.longestName().startsWith("--tls")) {
                for (int i = 0; i < tlsListener.size(); i += 2) {
                    if (!tlsListener.get(i).equals(option.longestName())) {
                        companions.addAll(tlsListener.subList(i, i + 2));
                    }
                }
            }
            ServerSettings fromEnv = parse(Map.of(env, value), companions.toArray(String[]::new));
            companions.addAll(List.of(option.longestName(), value));
            ServerSettings fromFlag = parse(Map.of(), companions.toArray(String[]::new));
            assertEquals(fromFlag, fromEnv, env + " must act like " + option.longestName());
            ServerSettings without = option.longestName().startsWith("--tls")
                    ? parse(Map.of(), tlsListener.toArray(String[]::new)) : parse(Map.of());
            assertTrue(!fromFlag.equals(without), option.longestName() + " must change a setting");
        }
    }

    /** The command line as main reads it: what it prints to standard error, and its exit code. */
    private static String usageError(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ServerCommandLine.Outcome outcome = ServerCommandLine.read(args, env,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(ServerCommandLine.USAGE, outcome.exitCode());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aBadDurationIsOneLineWithoutJavaClassNames() {
        assertEquals("uppercase-server: invalid value for --idle-timeout: '5' is not a duration: use a whole number "
                + "with ms, s or m, e.g. 250ms, 2s, 5m (see --help)\n", usageError(Map.of(), "--idle-timeout", "5"));
    }

    @Test
    void aBadEnvironmentVariableIsNamedInsteadOfItsFlag() {
        assertEquals("uppercase-server: invalid value for UPPERCASE_IDLE_TIMEOUT: '5' is not a duration: use a whole "
                + "number with ms, s or m, e.g. 250ms, 2s, 5m (see --help)\n",
                usageError(Map.of("UPPERCASE_IDLE_TIMEOUT", "5")));
        assertEquals("uppercase-server: invalid value for UPPERCASE_PORT: 70000 is not in 0..65535 (see --help)\n",
                usageError(Map.of("UPPERCASE_PORT", "70000")));
        assertEquals("uppercase-server: invalid value for --port: 70000 is not in 0..65535 (see --help)\n",
                usageError(Map.of("UPPERCASE_PORT", "1"), "--port", "70000"), "the flag, when it set the value");
        assertTrue(usageError(Map.of("UPPERCASE_TRANSPORT", "kqueue")).startsWith(
                "uppercase-server: invalid value for UPPERCASE_TRANSPORT: 'kqueue' is not one of"));
    }

    @Test
    void theVersionNamesTheUnicodeOfTheUpperCase() throws Exception {
        String[] version = new ServerCommandLine.Version().getVersion();
        assertTrue(version[0].startsWith("uppercase-server "));
        assertEquals("Unicode 17.0 upper case (from ICU4J 78.1)", version[1]);
    }

    /** The fair-share flags at their edges: the defaults, the smallest values allowed, and "none" for each. */
    @Test
    void theSourceLimitsAndTheProxyListAtTheirEdges() {
        ServerSettings defaults = parse(Map.of());
        assertEquals(100, defaults.maxConnectionsPerSource());
        assertEquals(256 * 1024, defaults.udpReplyBytes());
        assertTrue(has(defaults.perSourceExempt(), "127.0.0.2"));
        assertTrue(has(defaults.udpReplyExempt(), "::1"));
        assertTrue(!has(defaults.udpReplyExempt(), "192.0.2.1"));
        assertTrue(!has(defaults.proxyProtocolFrom(), "127.0.0.1"), "no proxy by default");
        assertEquals(Duration.ofSeconds(5), defaults.proxyProtocolTimeout());

        assertEquals(65_536, parse(Map.of(), "--udp-reply-bytes", "65536").udpReplyBytes(), "one largest reply");
        assertEquals(0, parse(Map.of(), "--udp-reply-bytes", "0").udpReplyBytes(), "no limit");
        assertEquals(0, parse(Map.of(), "--max-connections-per-source", "0").maxConnectionsPerSource());
        ServerSettings none = parse(Map.of("UPPERCASE_UDP_REPLY_RATE_EXEMPT", ""),
                "--max-connections-per-source-exempt", "");
        assertTrue(!has(none.udpReplyExempt(), "127.0.0.1"), "empty exempts no one");
        assertTrue(!has(none.perSourceExempt(), "127.0.0.1"));
        ServerSettings proxied = parse(Map.of(), "--proxy-protocol-from", "10.0.0.0/8,2001:db8::/32",
                "--proxy-protocol-timeout", "1ms");
        assertTrue(has(proxied.proxyProtocolFrom(), "10.1.2.3"));
        assertTrue(has(proxied.proxyProtocolFrom(), "2001:db8::1"));
        assertTrue(!has(proxied.proxyProtocolFrom(), "11.0.0.1"));
        assertEquals(Duration.ofMillis(1), proxied.proxyProtocolTimeout());
    }

    private static boolean has(AddressRanges ranges, String address) {
        return ranges.contains(new InetSocketAddress(address, 0));
    }
}
