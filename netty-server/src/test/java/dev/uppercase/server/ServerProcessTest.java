package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import dev.uppercase.testing.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server as a user runs it: a process with flags, a ready line, exit codes, a clean stop on SIGTERM. */
class ServerProcessTest {
    private static final Pattern READY = Pattern.compile(
            "ready: tcp 127\\.0\\.0\\.1:(\\d+), udp 127\\.0\\.0\\.1:(\\d+)");

    private final List<Process> started = new ArrayList<>();

    /** The server jar's main as a process of its own; its standard error merged into its standard output. */
    private Process launch(String... args) throws IOException {
        return launch(true, args);
    }

    private Process launch(boolean mergeErrors, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 22) {
            // What the jar's manifest grants (Enable-Native-Access), for this launch from classes: else JDK 22+
            // warns when Netty loads its native transport.
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServerMain.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(mergeErrors).start();
        started.add(p);
        return p;
    }

    @AfterEach
    void endWhatWeStarted() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly(); // by handle, i.e. by PID: only what this test started
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> output(Process p) throws Exception {
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "process did not end");
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            r.lines().forEach(lines::add);
        }
        return lines;
    }

    @Test
    void logsTheReadyLineServesAndExitsZeroOnSigterm() throws Exception {
        Process p = launch("--bind", "127.0.0.1", "--port", "0");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        Matcher ready = null;
        while ((line = out.readLine()) != null) {
            Matcher m = READY.matcher(line);
            if (m.find()) {
                ready = m;
                break;
            }
        }
        assertTrue(ready != null, "no ready line");
        int tcpPort = Integer.parseInt(ready.group(1));
        int udpPort = Integer.parseInt(ready.group(2));
        try (PlainTcpClient c = new PlainTcpClient(new InetSocketAddress("127.0.0.1", tcpPort))) {
            assertEquals("FROM A PROCESS\n", c.send("from a process\n").readLine());
        }
        assertEquals("AND UDP", UdpServerTest.exchange(new InetSocketAddress("127.0.0.1", udpPort), "and udp"));

        p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "a graceful stop is a clean exit");
        StringBuilder rest = new StringBuilder();
        while ((line = out.readLine()) != null) {
            rest.append(line).append('\n');
        }
        assertTrue(rest.toString().contains("stopped"), rest.toString());
    }

    @Test
    void sigtermWithTwoHundredClientsMidStreamDrainsThemAndExitsZeroWithinTheDrainTimeout() throws Exception {
        Process p = launch("--bind", "127.0.0.1", "--port", "0", "--drain-timeout", "60s");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        int port = readyTcpPort(out);
        try (PipelinedClients clients = new PipelinedClients(new InetSocketAddress("127.0.0.1", port), 200, 32)) {
            clients.start();
            Await.until("every client to be mid-stream", () -> clients.everyClientHasReplies(100));
            long started = System.nanoTime();
            p.toHandle().destroy(); // SIGTERM
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the server did not stop");
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(0, p.exitValue());
            assertTrue(stopMillis < 60_000, "the drain ended before its timeout: " + stopMillis + " ms");
            clients.awaitEnd(Duration.ofSeconds(60)); // in order, none missing, then a clean end of stream
        }
    }

    /**
     * Every documented flag at once, on every transport: a start that logs a warning would teach users to ignore them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"auto", "nio", "epoll", "io_uring"})
    void aStartWithEveryDocumentedFlagLogsNoWarning(String transport) throws Exception {
        assumeTrue(Transport.valueOf(transport.toUpperCase(Locale.ROOT)).resolve() != null, transport + " runs here");
        TestCertificates certs = TestCertificates.get();
        Process p = launch("--bind", "127.0.0.1", "--port", "0", "--max-line-length", "1000", "--quiet-period", "100ms",
                "--max-datagram-size", "2000", "--drain-timeout", "1s", "--max-connections", "100", "--idle-timeout",
                        "1m",
                "--write-buffer-size", "10000", "--allow", "127.0.0.0/8", "--deny", "10.0.0.0/8", "--udp-reply-rate",
                        "100",
                "--log-level", "info", "--log-format", "text", "--metrics-port", "0", "--tls-port", "0",
                "--tls-cert", certs.server().cert().toString(), "--tls-key", certs.server().key().toString(),
                "--tls-client-ca", certs.caCert().toString(), "--tls-handshake-timeout", "5s", "--transport",
                        transport);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (READY.matcher(line).find()) {
                break;
            }
        }
        p.toHandle().destroy(); // SIGTERM: the stop's own lines are read too
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        out.lines().forEach(lines::add);
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> READY.matcher(l).find()), String.join("\n", lines));
        assertEquals(List.of(), lines.stream().filter(l -> l.contains("WARN")).collect(Collectors.toList()));
    }

    /** Reads the server's log up to its ready line; the TCP port it names. */
    static int readyTcpPort(BufferedReader out) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = READY.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no ready line");
    }

    @Test
    void aBadFlagIsOneLineAndExitCodeTwo() throws Exception {
        Process p = launch("--port", "nope");
        List<String> lines = output(p);
        assertEquals(2, p.exitValue());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("uppercase-server: ") && lines.get(0).contains("--port"), lines.get(0));
    }

    @Test
    void helpListsEveryFlagAndExitsZero() throws Exception {
        Process p = launch("--help");
        String help = String.join("\n", output(p));
        assertEquals(0, p.exitValue());
        assertTrue(help.startsWith("Usage: uppercase-server"), "nothing before the usage: " + help);
        assertTrue(!help.contains("WARN"), help);
        assertTrue(help.contains("Exit codes:") && help.contains("1   the server could not start"), help);
        for (String flag : new String[] {"--port", "--tcp-port", "--udp-port", "--bind", "--max-line-length",
                "--quiet-period", "--max-datagram-size", "--drain-timeout", "--help", "--version"}) {
            assertTrue(help.contains(flag), flag + " missing from help");
        }
    }

    @Test
    void aPortInUseIsOneLineNamingItAndANonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Process p = launch(false, "--bind", "127.0.0.1", "--tcp-port", "" + taken.getLocalPort(), "--udp-port",
                    "0");
            String log = String.join("\n", output(p));
            assertEquals(1, p.exitValue());
            String cause = "cannot listen on TCP 127.0.0.1:" + taken.getLocalPort() + ": ";
            assertTrue(log.contains("ERROR") && log.contains(cause), "logged: " + log);
            List<String> errors = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                r.lines().forEach(errors::add);
            }
            assertEquals(1, errors.size(), "one line on standard error: " + errors);
            assertTrue(errors.get(0).startsWith("uppercase-server: " + cause) && errors.get(0).contains("in use")
                    && !errors.get(0).contains("Exception"), errors.get(0));
        }
    }

    /** Reads the server's output until a line matches, and returns it. */
    private static String readUntil(BufferedReader out, String what, Pattern pattern) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (pattern.matcher(line).find()) {
                return line;
            }
        }
        throw new AssertionError("the server ended without logging " + what);
    }

    @Test
    @Timeout(60)
    void jsonLogsWithOneLinePerConnectionAtDebug() throws Exception {
        Process p = launch("--bind", "127.0.0.1", "--port", "0", "--log-format", "json", "--log-level", "debug");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ready = readUntil(out, "the ready line", READY);
        Pattern jsonLine = Pattern.compile("^\\{\"timestamp\":\\d+,\"level\":\"(\\w+)\",\"threadName\":\".*\","
                + "\"loggerName\":\"([\\w.]+)\",.*\"formattedMessage\":\"(.*)\",.*}$");
        Matcher m = jsonLine.matcher(ready);
        assertTrue(m.matches(), ready);
        assertEquals("INFO", m.group(1));
        assertEquals(UppercaseServer.class.getName(), m.group(2));
        Matcher port = READY.matcher(m.group(3));
        assertTrue(port.find());
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(port.group(1)));
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            assertEquals("LOGGED\n", c.send("logged\n").readLine());
        }
        String opened = readUntil(out, "the connection opening", Pattern.compile("TCP connection from .* opened"));
        assertTrue(jsonLine.matcher(opened).matches() && opened.contains("\"level\":\"DEBUG\""), opened);
        String closed = readUntil(out, "the connection closing", Pattern.compile(
                "TCP connection from .* closed after"));
        assertTrue(jsonLine.matcher(closed).matches(), closed);
    }

    @Test
    @Timeout(60)
    void aLogbackFileReplacesTheBuiltInConfiguration(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("logback.xml"), "<configuration>\n"
                + "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
                + "    <encoder><pattern>CUSTOM %level %msg%n</pattern></encoder>\n"
                + "  </appender>\n"
                + "  <root level=\"INFO\"><appender-ref ref=\"OUT\"/></root>\n"
                + "</configuration>\n");
        Process p = launch("--bind", "127.0.0.1", "--port", "0", "--log-config", config.toString());
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(readUntil(out, "the ready line", READY).startsWith("CUSTOM INFO uppercase-server "));
    }

    @Test
    void aBrokenLogbackFileIsOneLineAndExitCodeOne(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("logback.xml"), "<configuration><appender name=");
        Process p = launch("--bind", "127.0.0.1", "--port", "0", "--log-config", config.toString());
        List<String> lines = output(p);
        assertEquals(1, p.exitValue());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("uppercase-server: cannot configure logging from " + config), lines.get(0));
    }
}
