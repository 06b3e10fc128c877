package dev.uppercase.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.server.UppercaseServer;
import dev.uppercase.server.config.ServerCommandLine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BenchTest {

    private static ClientTest.Run bench(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UppercaseClient.run(args, Map.of(), false, new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new ClientTest.Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp-rr", "tcp-pipeline", "connect", "udp"})
    void eachModeLoadsTheServerAndReportsThroughputAndLatency(String mode) throws Exception {
        try (UppercaseServer server = UppercaseServer.start(ServerCommandLine.parse(
                new String[] {"--bind", "127.0.0.1", "--port", "0"}, Map.of()))) {
            int port = mode.equals("udp") ? server.udpAddress().getPort() : server.tcpAddress().getPort();
            ClientTest.Run r = bench("bench", mode, "--host", "127.0.0.1", "--port", "" + port, "-c", "4", "-d", "8",
                    "--duration", "1s", "--warmup", "200ms");
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("latency_us p50="), r.out());
            assertTrue(r.out().contains("errors=0"), r.out());
            assertTrue(r.err().contains("bench " + mode), "a progress line");
        }
    }

    @Test
    void aServerThatAnswersWrongFailsTheBench() throws Exception {
        ServerSocket echo = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(() -> {
            try (Socket s = echo.accept()) { // echoes, without upper-casing: every reply is wrong
                InputStream in = s.getInputStream();
                OutputStream o = s.getOutputStream();
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    o.write(buf, 0, n);
                }
            } catch (java.io.IOException ignored) {
                // the bench closed
            }
        });
        t.start();
        try {
            ClientTest.Run r = bench("bench", "tcp-rr", "--host", "127.0.0.1", "--port", "" + echo.getLocalPort(), "-c",
                    "1", "--duration", "1s", "--warmup", "0");
            assertEquals(ExitCodes.FAILED, r.exitCode());
            assertTrue(r.out().contains("wrong reply"), r.out());
        } finally {
            echo.close();
            t.join(5_000);
        }
    }

    @Test
    void helpNamesTheCommandAndItsOptionalMode() {
        ClientTest.Run r = bench("bench", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("Usage: uppercase-client bench "), r.out());
        assertTrue(r.out().contains("[MODE]") && r.out().contains("tcp-pipeline"), r.out());
        for (String variable : new String[] {"UPPERCASE_HOST", "UPPERCASE_CONNECTIONS", "UPPERCASE_DURATION"}) {
            assertTrue(r.out().contains("Env " + variable + "."), variable + " named in: " + r.out());
        }
    }

    @Test
    void anUnknownModeIsAUsageErrorNamingTheModes() {
        ClientTest.Run r = bench("bench", "frob");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().contains("unknown mode 'frob' (tcp-rr, tcp-pipeline, connect, udp)"), r.err());
    }

    @Test
    void benchAfterDoubleDashIsTextToSend() throws Exception {
        try (UppercaseServer server = UppercaseServer.start(ServerCommandLine.parse(
                new String[] {"--bind", "127.0.0.1", "--port", "0"}, Map.of()))) {
            ClientTest.Run r = bench("--host", "127.0.0.1", "--port", "" + server.tcpAddress().getPort(), "--",
                    "bench");
            assertEquals(new ClientTest.Run(0, "BENCH\n", ""), r);
        }
    }
}
