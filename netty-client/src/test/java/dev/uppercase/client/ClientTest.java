package dev.uppercase.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.server.UppercaseServer;
import dev.uppercase.server.config.ServerCommandLine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the real server, started in-process on ephemeral ports. */
class ClientTest {
    private UppercaseServer server;

    /** What one run of the client did. */
    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void startServer() throws Exception {
        server = startServer("--port", "0");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static UppercaseServer startServer(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1"));
        args.addAll(List.of(flags));
        return UppercaseServer.start(ServerCommandLine.parse(args.toArray(String[]::new), Map.of()));
    }

    private static Run run(boolean terminal, InputStream in, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UppercaseClient.run(args.toArray(String[]::new), Map.of(), terminal, in, out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run tcp(boolean terminal, String input, String... args) {
        return run(terminal, stream(input), withPort(server.tcpAddress().getPort(), args));
    }

    private Run udp(boolean terminal, String input, String... args) {
        List<String> all = withPort(server.udpAddress().getPort(), args);
        // A reply later than the default 1 s is not lost here, only slow: a busy test machine must not make it a retry.
        all.addAll(0, List.of("--udp", "--timeout", "10s"));
        return run(terminal, stream(input), all);
    }

    private static List<String> withPort(int port, String... args) {
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "" + port));
        all.addAll(Arrays.asList(args));
        return all;
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void oneShotOverTcp() {
        assertEquals(new Run(0, "HELLO WORLD\n", ""), tcp(false, "", "hello", "world"));
    }

    @Test
    void oneShotOverUdp() {
        assertEquals(new Run(0, "HELLO WORLD\n", ""), udp(false, "", "hello", "world"));
    }

    @Test
    void interactiveOverTcpPromptsAndAnswersUntilQuit() {
        Run r = tcp(true, "hello\nstraße\n:quit\nnever sent\n");
        assertEquals(0, r.exitCode());
        assertEquals("Input lowercase sentence:From Server: HELLO\n"
                + "Input lowercase sentence:From Server: STRASSE\n"
                + "Input lowercase sentence:", r.out(), "the Enter after :quit ended the line: nothing more");
    }

    @Test
    void interactiveOverUdpEndsAtEndOfInput() {
        Run r = udp(true, "hello udp\n");
        assertEquals(new Run(0, "Input lowercase sentence:From Server: HELLO UDP\nInput lowercase sentence:\n", ""), r);
    }

    @Test
    void filterOverTcpAnswersAMillionLinesInOrder() {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 1_000_000; i++) {
            in.append("line ").append(i).append(i % 3 == 0 ? " ß\r\n" : i % 3 == 1 ? " καλημέρα\n" : "\n");
        }
        Run r = tcp(false, in.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.err());
        String[] lines = r.out().split("\n", -1);
        assertEquals(1_000_001, lines.length, "a million lines and nothing after the last newline");
        for (int i = 0; i < 1_000_000; i++) {
            String expected = "LINE " + i + (i % 3 == 0 ? " SS\r" : i % 3 == 1 ? " ΚΑΛΗΜΈΡΑ" : "");
            if (!expected.equals(lines[i])) {
                assertEquals(expected, lines[i], "line " + (i + 1));
            }
        }
    }

    @Test
    void filterOverTcpIsByteExactWithALastLineWithoutNewline() {
        String in = "crlf\r\n\nlf\nµ ﬃ 😀 last";
        assertEquals(new Run(0, in.toUpperCase(Locale.ROOT), ""), tcp(false, in));
    }

    @Test
    void filterOverUdpKeepsOrderTerminatorsAndEmptyLines() {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            in.append(i % 10 == 0 ? "" : "datagram " + i + " é").append(i % 2 == 0 ? "\r\n" : "\n");
        }
        in.append("no newline");
        Run r = udp(false, in.toString());
        assertEquals(new Run(0, in.toString().toUpperCase(Locale.ROOT), ""), r);
    }

    @Test
    void anUnreachableServerIsOneLineAndExitCodeThree() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        Run r = run(false, stream(""), List.of("--host", "localhost", "--port", "" + closedPort, "hi"));
        assertEquals(new Run(ExitCodes.CANNOT_CONNECT, "", "uppercase-client: cannot connect to localhost:" + closedPort
                + ": connection refused — is the server running?\n"), r);
    }

    /**
     * The client against a faulty TCP server that reads the whole input (to the client's half-close), sends
     * {@code reply} and closes.
     */
    private static Run againstAServerThatAnswers(String input, String reply) throws Exception {
        try (ServerSocket faulty = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Thread serve = new Thread(() -> {
                try (java.net.Socket s = faulty.accept()) {
                    s.getInputStream().readAllBytes();
                    s.getOutputStream().write(reply.getBytes(StandardCharsets.UTF_8));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            serve.start();
            Run r = run(false, stream(input), withPort(faulty.getLocalPort()));
            serve.join(20_000);
            return r;
        }
    }

    @Test
    void aReplyTheConnectionsEndCutIsNeitherWrittenNorCounted() throws Exception {
        assertEquals(new Run(ExitCodes.CLOSED_EARLY, "AB\n", "uppercase-client: the server closed the connection after"
                + " 1 of 2 replies, in the middle of the next one (2 bytes of it came, not written out)\n"),
                againstAServerThatAnswers("ab\ncd\n", "AB\nCD"));
    }

    @Test
    void aLastLineWithoutNewlineHasAWholeReplyWithoutOne() throws Exception {
        assertEquals(new Run(0, "AB\nCD", ""), againstAServerThatAnswers("ab\ncd", "AB\nCD"));
    }

    @Test
    void aReplyCutOnTheLastLineWithoutNewlineIsNotTakenForItsAnswerWhenALineIsMissing() throws Exception {
        assertEquals(new Run(ExitCodes.CLOSED_EARLY, "", "uppercase-client: the server closed the connection after"
                + " 0 of 2 replies, in the middle of the next one (2 bytes of it came, not written out)\n"),
                againstAServerThatAnswers("ab\ncd", "AB"));
    }

    @Test
    void udpRetriesWhenTheFirstDatagramIsLost() throws Exception {
        DatagramSocket peer = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        AtomicInteger received = new AtomicInteger();
        Thread dropsTheFirst = new Thread(() -> serveUdp(peer, received, true));
        dropsTheFirst.start();
        try {
            Run r = run(false, stream(""), List.of("--udp", "--host", "127.0.0.1", "--port", "" + peer.getLocalPort(),
                    "--timeout", "1s", "--tries", "10", "lost", "once"));
            assertEquals(new Run(0, "LOST ONCE\n", ""), r);
            // The first was dropped and a later one answered (a slow machine may have sent a third before it came).
            assertTrue(received.get() >= 2, received.get() + " tries");
        } finally {
            peer.close(); // ends the peer's thread
            dropsTheFirst.join(5_000);
        }
    }

    @Test
    void udpGivesUpAfterEveryTryAndNamesTheLine() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            Run r = run(false, stream("first\n"), List.of("--udp", "--host", "127.0.0.1",
                    "--port", "" + silent.getLocalPort(), "--timeout", "100ms", "--tries", "2"));
            assertEquals(ExitCodes.TIMEOUT, r.exitCode());
            assertEquals("uppercase-client: no reply to line 1 from 127.0.0.1:" + silent.getLocalPort()
                    + " (UDP) after 2 tries of 100 ms each — is the server running?\n", r.err());
        }
    }

    /** A textbook UDP server that can drop the first datagram it gets. */
    private static void serveUdp(DatagramSocket socket, AtomicInteger received, boolean dropFirst) {
        byte[] buf = new byte[65_536];
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                if (received.incrementAndGet() == 1 && dropFirst) {
                    continue;
                }
                byte[] reply = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT)
                        .getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
            }
        } catch (java.io.IOException closed) {
            // the test closed the socket: done
        }
    }

    @Test
    void aServerThatGoesAwayMidSessionIsOneLineAndExitCodeFive() {
        InputStream secondLineStopsTheServer = new InputStream() {
            private final byte[] first = "hello\n".getBytes(StandardCharsets.UTF_8);
            private final byte[] second = "again\n".getBytes(StandardCharsets.UTF_8);
            private int part;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                switch (part++) {
                    case 0:
                        System.arraycopy(first, 0, b, off, first.length);
                        return first.length;
                    case 1:
                        server.close();
                        System.arraycopy(second, 0, b, off, second.length);
                        return second.length;
                    default:
                        return -1;
                }
            }
        };
        Run r = run(true, secondLineStopsTheServer, withPort(server.tcpAddress().getPort()));
        assertEquals(ExitCodes.CLOSED_EARLY, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("Input lowercase sentence:From Server: HELLO\n"), r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("uppercase-client: "), r.err());
    }

    @Test
    void aLineTooLongForTheServerIsReportedAndTheRestAnswered() throws Exception {
        try (UppercaseServer strict = startServer("--port", "0", "--max-line-length", "10")) {
            Run r = run(false, stream("short\n" + "x".repeat(20) + "\nafter\n"),
                    withPort(strict.tcpAddress().getPort()));
            assertEquals(new Run(ExitCodes.LINES_REFUSED, "SHORT\nAFTER\n",
                    "uppercase-client: line 2: error: line too long (limit 10 bytes)\n"
                            + "uppercase-client: 1 line(s) refused\n"), r);
        }
    }

    @Test
    void aServerAtItsConnectionLimitIsReportedInOneLine() throws Exception {
        try (UppercaseServer full = startServer("--port", "0", "--max-connections", "1");
                java.net.Socket first = new java.net.Socket("127.0.0.1", full.tcpAddress().getPort())) {
            first.getOutputStream().write("x\n".getBytes(StandardCharsets.UTF_8));
            first.getInputStream().read(); // the first connection is in and served
            Run r = run(false, stream("hello\n"), withPort(full.tcpAddress().getPort()));
            assertEquals(new Run(ExitCodes.CLOSED_EARLY, "", "uppercase-client: the server closed the connection: "
                    + "error: too many connections (limit 1)\n"), r);
        }
    }

    @Test
    void aLineTooLargeForADatagramIsRefusedBeforeSending() {
        Run r = udp(false, "fits\n" + "ΐ".repeat(4) + "\nalso fits\n", "--max-datagram-size", "10");
        assertEquals(new Run(ExitCodes.LINES_REFUSED, "FITS\nALSO FITS\n",
                "uppercase-client: line 2: not sent: its datagram or its reply would be over the 10-byte limit\n"
                        + "uppercase-client: 1 line(s) refused\n"), r);
    }

    @Test
    void aBadFlagIsOneLineAndExitCodeTwo() {
        Run r = run(false, stream(""), List.of("--tries", "zero"));
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("uppercase-client: ") && r.err().contains("--tries"), r.err());
    }

    @Test
    void helpListsTheModesAndExitCodes() {
        Run r = run(false, stream(""), List.of("--help"));
        assertEquals(0, r.exitCode());
        for (String s : new String[] {"--host", "--port", "--udp", "--interactive", "--timeout", "--tries",
                "--verbose", "--version", "one-shot", "interactive", "filter", "bench [MODE]", "Exit codes"}) {
            assertTrue(r.out().contains(s), s + " missing from --help");
        }
    }
}
