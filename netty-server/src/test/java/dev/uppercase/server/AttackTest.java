package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.testing.Await;
import dev.uppercase.testing.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The attacks on the server as a whole, as an attacker would make them: a server process with a small heap, more
 * connections than its memory can serve at their limits, each doing its worst. After each, a fresh client is
 * answered, the process is alive with no OutOfMemoryError in its log, and SIGTERM stops it within its drain timeout.
 * Loopback only, bounded in connections and time.
 */
class AttackTest {
    /** A heap small enough for the attacks to pass the default memory budget (a quarter of it) many times over. */
    private static final List<String> SMALL_HEAP = List.of("-Xmx96m", "-XX:MaxDirectMemorySize=96m");

    private final List<Socket> attackers = new ArrayList<>();
    private final ExecutorService writers = Executors.newFixedThreadPool(16);

    @AfterEach
    void endTheAttack() throws Exception {
        writers.shutdownNow();
        for (Socket s : attackers) {
            s.close();
        }
        assertTrue(writers.awaitTermination(60, TimeUnit.SECONDS));
    }

    private Socket attacker(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        attackers.add(s);
        s.connect(server, 10_000);
        return s;
    }

    /** The checks after every attack: a fresh client answered, no OutOfMemoryError, a clean stop on SIGTERM. */
    private static void stillServingAndStoppable(ServerProcess server) throws Exception {
        try (PlainTcpClient fresh = new PlainTcpClient(server.tcp())) {
            assertEquals("A FRESH CLIENT\n", fresh.send("a fresh client\n").readLine(), server.log());
        }
        assertTrue(server.isAlive(), server.log());
        assertFalse(server.log().contains("OutOfMemoryError"), server.log());
        assertEquals(0, server.stop(30), server.log());
        assertFalse(server.log().contains("OutOfMemoryError"), server.log());
    }

    /** 2,000 connections each holding a partial line just under the line limit: about 250 MiB to hold in all. */
    private void partialLines(InetSocketAddress server, int connections) throws IOException {
        byte[] partial = new byte[65_535];
        Arrays.fill(partial, (byte) 'x');
        for (int i = 0; i < connections; i++) {
            OutputStream out = attacker(server).getOutputStream();
            try {
                out.write("a\n".getBytes(StandardCharsets.US_ASCII));
                out.write(partial); // legal: under the 64 KiB line limit, and never ended
            } catch (IOException closedByTheServer) {
                // the budget closed this one already: the point
            }
        }
    }

    @Test
    void partialLinesAtTheLimitOnManyConnectionsAreHeldToTheMemoryBudget() throws Exception {
        try (ServerProcess server = new ServerProcess(SMALL_HEAP)) {
            partialLines(server.tcp(), 2_000);
            Await.until("the budget to act", () -> server.log().contains("memory budget of"));
            stillServingAndStoppable(server);
        }
    }

    /** Without the budget's bound, the same attack runs the JVM out of memory: the process then exits, code 3. */
    @Test
    void outOfMemoryAnywayTheProcessExitsAtOnceWithCodeThree() throws Exception {
        try (ServerProcess server = new ServerProcess(List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m"),
                "--memory-budget", "" + (1L << 40))) {
            try {
                partialLines(server.tcp(), 4_000);
            } catch (IOException refused) {
                // the process has gone: the point
            }
            assertEquals(3, server.awaitExit(60), server.log());
            assertTrue(server.log().contains("out of memory"), server.log());
        }
    }

    /** 300 clients that write 4 MB each and read nothing: the replies they do not read are held to the budget. */
    @Test
    void clientsThatWriteAndNeverReadAreHeldToTheMemoryBudget() throws Exception {
        try (ServerProcess server = new ServerProcess(SMALL_HEAP)) {
            byte[] lines = "a line whose reply nobody will read\n".repeat(4 * 1024 * 1024 / 36)
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 300; i++) {
                Socket s = attacker(server.tcp());
                writers.execute(() -> {
                    try {
                        s.getOutputStream().write(lines);
                    } catch (IOException closedByTheServer) {
                        // the budget closed it, or the test ended
                    }
                });
            }
            try (PlainTcpClient probe = new PlainTcpClient(server.tcp())) {
                // Reached only once the attack has been read into the server: its replies queued, or closed.
                assertEquals("PROBE\n", probe.send("probe\n").readLine());
            }
            stillServingAndStoppable(server);
        }
    }

    /** 1,000 silent TLS connections to a server with room for 50: the rest are closed at once, holding nothing. */
    @Test
    void tlsConnectionsOverTheLimitHoldNoDescriptor() throws Exception {
        TestCertificates certs = TestCertificates.get();
        try (ServerProcess server = new ServerProcess(SMALL_HEAP, "--max-connections", "50", "--tls-port", "0",
                "--tls-cert", certs.server().cert().toString(), "--tls-key", certs.server().key().toString())) {
            long before = server.openDescriptors();
            for (int i = 0; i < 1_000; i++) {
                attacker(server.tls());
            }
            Await.until("the server to hold at most its 50 connections",
                    () -> descriptors(server) <= before + 50 + 10);
            for (Socket s : attackers) { // the attack is over: its 50 admitted connections end with it
                s.close();
            }
            stillServingAndStoppable(server);
        }
    }

    /**
     * Eight scrapers that each send 30,000 pipelined GET /metrics in one megabyte and never read: their responses
     * would be 280 MB, but each connection holds one response, and a few requests, at a time.
     */
    @Test
    void scrapersThatPipelineAndNeverReadHoldOneResponseEach() throws Exception {
        try (ServerProcess server = new ServerProcess(SMALL_HEAP, "--metrics-port", "0")) {
            byte[] scrapes = "GET /metrics HTTP/1.1\r\nhost: localhost\r\n\r\n".repeat(30_000)
                    .getBytes(StandardCharsets.US_ASCII);
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Socket s = attacker(server.http());
                sent.add(writers.submit(() -> {
                    try {
                        s.getOutputStream().write(scrapes);
                    } catch (IOException closedByTheServer) {
                        // it dropped what could not wait, and closed: the point
                    }
                }));
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS); // all of it taken: what could not wait is read and dropped
            }
            assertEquals(200, scrape(server), server.log());
            stillServingAndStoppable(server);
        }
    }

    /**
     * 1,000 silent connections to the HTTP endpoint: it holds its 16, answers the rest 503 and closes them, and the
     * line port goes on accepting; the 16 go at the idle timeout, and scrapes are answered again.
     */
    @Test
    void silentHttpConnectionsAreHeldToTheEndpointsOwnLimit() throws Exception {
        try (ServerProcess server = new ServerProcess(SMALL_HEAP, "--metrics-port", "0",
                "--metrics-idle-timeout", "3s")) {
            long before = server.openDescriptors();
            for (int i = 0; i < 1_000; i++) {
                attacker(server.http());
            }
            Await.until("the endpoint to hold at most its 16 connections",
                    () -> descriptors(server) <= before + 16 + 10);
            try (PlainTcpClient fresh = new PlainTcpClient(server.tcp())) {
                assertEquals("LINES STILL\n", fresh.send("lines still\n").readLine());
            }
            Await.until("the silent 16 to go at the idle timeout, and a scrape to be answered",
                    () -> scrapeOrZero(server) == 200);
            stillServingAndStoppable(server);
        }
    }

    /** One GET /metrics on a connection of its own: the response's status. */
    private static int scrape(ServerProcess server) throws IOException {
        try (PlainTcpClient c = new PlainTcpClient(server.http())) {
            String status = c.send("GET /metrics HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
                    .readLine();
            return status == null ? 0 : Integer.parseInt(status.split(" ")[1]);
        }
    }

    private static int scrapeOrZero(ServerProcess server) {
        try {
            return scrape(server);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long descriptors(ServerProcess server) {
        try {
            return server.openDescriptors();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
