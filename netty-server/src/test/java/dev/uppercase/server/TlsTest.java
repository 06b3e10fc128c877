package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.server.config.ServerSettings.TlsSettings;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.tls.ServerTls;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import dev.uppercase.testing.TestCertificates;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.ParameterException;

/**
 * The TLS listener, handshaking for real on loopback with the JDK's SSLSocket as the client, and certificates made by
 * the test ({@link TestCertificates}).
 */
@OnEveryTransport
class TlsTest {
    @Parameter
    Transport transport;

    private static final TestCertificates CERTS = TestCertificates.get();

    private UppercaseServer startTls(String... flags) throws ServerStartException {
        return startTls(0, flags);
    }

    private UppercaseServer startTls(int port, String... flags) throws ServerStartException {
        List<String> args = new ArrayList<>(List.of("--tls-port", String.valueOf(port),
                "--tls-cert", CERTS.server().cert().toString(), "--tls-key", CERTS.server().key().toString()));
        args.addAll(List.of(flags));
        return Servers.start(transport, args.toArray(String[]::new));
    }

    /** A JDK SSLContext trusting the test CA, and presenting {@code identity} when asked for a client certificate. */
    static SSLContext clientContext(TestCertificates.Pair identity) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(CERTS.caCert().toFile());
        if (identity != null) {
            builder.keyManager(identity.cert().toFile(), identity.key().toFile());
        }
        return ((JdkSslContext) builder.build()).context();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void answersLinesOverTls(String protocol) throws Exception {
        try (UppercaseServer server = startTls();
                PlainTcpClient c = PlainTcpClient.tls(server.tlsAddress(), clientContext(null), protocol)) {
            c.send("hello over tls\nwörld\r\n");
            assertEquals("HELLO OVER TLS\n", c.readLine());
            assertEquals("WÖRLD\r\n", c.readLine());
            assertEquals(protocol, ((SSLSocket) c.socket()).getSession().getProtocol());
            assertEquals(2, server.stats().get(Counter.LINES_IN));
        }
    }

    /**
     * A TLS 1.2 client asking for a new handshake on an open connection (each one a full handshake for the server,
     * as often as it likes) is refused, with a fatal alert that ends the connection.
     */
    @Test
    void aClientInitiatedRenegotiationIsRefused() throws Exception {
        try (UppercaseServer server = startTls();
                PlainTcpClient c = PlainTcpClient.tls(server.tlsAddress(), clientContext(null), "TLSv1.2")) {
            assertEquals("BEFORE\n", c.send("before\n").readLine());
            SSLSocket socket = (SSLSocket) c.socket();
            assertThrows(IOException.class, () -> {
                socket.startHandshake();
                c.send("after\n").readLine(); // the JDK's client renegotiates as it next writes or reads
            });
            assertEquals(1, server.stats().get(Counter.LINES_IN), "nothing is read after the refusal");
        }
    }

    @Test
    void plainTcpStillServedBesideTls() throws Exception {
        try (UppercaseServer server = startTls(); PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
            assertTrue(server.tlsAddress().getPort() != server.tcpAddress().getPort());
            assertEquals("PLAIN\n", c.send("plain\n").readLine());
        }
    }

    /** TLS 1.3 lets each side close only its own direction, so close_notify works like a TCP half-close. */
    @Test
    void closeNotifyEndsTheInputAndThePartialLineIsAnswered() throws Exception {
        try (UppercaseServer server = startTls();
                PlainTcpClient c = PlainTcpClient.tls(server.tlsAddress(), clientContext(null), "TLSv1.3")) {
            c.send("first\nno newline");
            c.shutdownOutput(); // on an SSLSocket: close_notify
            assertEquals("FIRST\nNO NEWLINE", c.readToEnd());
        }
    }

    @Test
    void offersOnlyTls12AndTls13() throws Exception {
        SSLEngine engine = ServerTls.context(new TlsSettings(0, CERTS.server().cert(), CERTS.server().key(), null,
                Duration.ofSeconds(10))).newEngine(ByteBufAllocator.DEFAULT);
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, engine.getEnabledProtocols());
    }

    @Test
    void plainTextOnTheTlsPortIsToldSoAndClosed() throws Exception {
        try (UppercaseServer server = startTls(); PlainTcpClient c = new PlainTcpClient(server.tlsAddress())) {
            c.send("hello\n");
            assertEquals(ErrorReplies.tlsRequired(), c.readLine());
            assertNull(c.readLine());
            assertEquals(1, server.stats().get(Counter.TLS_FAILED));
            assertEquals("STILL SERVING\n", CompletableFuture.supplyAsync(() -> exchangeOverTls(server)).join());
        }
    }

    private static String exchangeOverTls(UppercaseServer server) {
        try (PlainTcpClient c = PlainTcpClient.tls(server.tlsAddress(), clientContext(null), "TLSv1.3")) {
            return c.send("still serving\n").readLine();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aClientThatNeverHandshakesIsClosedAtTheHandshakeTimeout() throws Exception {
        try (UppercaseServer server = startTls("--tls-handshake-timeout", "300ms")) {
            long start = System.nanoTime(); // before connecting: the server's clock starts when it accepts
            try (PlainTcpClient c = new PlainTcpClient(server.tlsAddress())) {
                assertEquals(-1, c.input().read()); // the server closes without a word: it cannot speak TLS yet
            }
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waitedMillis >= 300, "closed after " + waitedMillis + " ms");
            Await.until("the failure is counted", () -> server.stats().get(Counter.TLS_FAILED) == 1);
        }
    }

    @Test
    void clientCertificateSignedByTheCaIsAccepted() throws Exception {
        try (UppercaseServer server = startTls("--tls-client-ca", CERTS.caCert().toString());
                PlainTcpClient c = PlainTcpClient.tls(server.tlsAddress(),
                        clientContext(CERTS.client()), "TLSv1.3")) {
            assertEquals("TRUSTED\n", c.send("trusted\n").readLine());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void clientWithoutCertificateOrWithAStrangerIsRefused(String protocol) throws Exception {
        try (UppercaseServer server = startTls("--tls-client-ca", CERTS.caCert().toString())) {
            for (TestCertificates.Pair identity : new TestCertificates.Pair[] {null, CERTS.strangerClient()}) {
                try (PlainTcpClient c = PlainTcpClient.tls(server.tlsAddress(), clientContext(identity), protocol)) {
                    // TLS 1.2 refuses in the handshake; under TLS 1.3 the client's side of it is done before the
                    // server checks, so the refusal comes as an alert on the first read.
                    assertThrows(IOException.class, () -> {
                        c.send("let me in\n");
                        if (c.readLine() == null) {
                            throw new IOException("closed");
                        }
                    });
                }
            }
            Await.until("both refusals counted", () -> server.stats().get(Counter.TLS_FAILED) == 2);
            assertEquals(0, server.stats().get(Counter.LINES_IN));
        }
    }

    @Test
    void theConnectionLimitCountsBothListeners() throws Exception {
        try (UppercaseServer server = startTls("--max-connections", "1");
                PlainTcpClient plain = new PlainTcpClient(server.tcpAddress())) {
            assertEquals("FIRST\n", plain.send("first\n").readLine());
            // Over the limit, a TLS connection is closed at once, before any handshake: it holds nothing, and a
            // line it could read would need the handshake first.
            try (PlainTcpClient tls = PlainTcpClient.tls(server.tlsAddress(), clientContext(null), "TLSv1.3")) {
                assertThrows(IOException.class, tls::readLine);
            }
            assertEquals(1, server.stats().get(Counter.CONNECTIONS_REJECTED));
            assertEquals(0, server.stats().get(Counter.TLS_FAILED), "not a handshake that failed: none began");
        }
    }

    /** One source's share is of both listeners too, and one over it on the TLS listener is closed the same way. */
    @Test
    void theSourceLimitCountsBothListeners() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.0.2");
        try (UppercaseServer server = startTls("--max-connections-per-source", "1",
                "--max-connections-per-source-exempt", "");
                PlainTcpClient plain = PlainTcpClient.from(source, server.tcpAddress())) {
            assertEquals("FIRST\n", plain.send("first\n").readLine());
            try (PlainTcpClient tls = PlainTcpClient.tlsFrom(source, server.tlsAddress(), clientContext(null),
                    "TLSv1.3")) {
                assertThrows(IOException.class, tls::readLine);
            }
            assertEquals(1, server.stats().get(Counter.CONNECTIONS_REJECTED_PER_SOURCE));
            try (PlainTcpClient other = PlainTcpClient.tlsFrom(InetAddress.getByName("127.0.0.3"),
                    server.tlsAddress(), clientContext(null), "TLSv1.3")) {
                assertEquals("ANOTHER SOURCE\n", other.send("another source\n").readLine());
            }
        }
    }

    @Test
    void aStopAnswersWhatWasReadThenSaysCloseNotify() throws Exception {
        UppercaseServer server = startTls();
        try {
            CompletableFuture<Void> stop;
            try (PlainTcpClient c = PlainTcpClient.tls(server.tlsAddress(), clientContext(null), "TLSv1.3")) {
                assertEquals("BEFORE\n", c.send("before\n").readLine());
                c.send("half a line");
                Await.until("the partial line is read", () -> Servers.maxBufferedLineBytes(
                        server) == "half a line".length());
                stop = CompletableFuture.runAsync(server::close);
                assertEquals("HALF A LINE", c.readToEnd()); // then close_notify: a clean end, not a truncation
            } // the drain ends when the client closes
            stop.get(60, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }

    @Test
    void tlsFlagsMustComeTogether() {
        assertThrows(ParameterException.class, () -> Servers.settings("--tls-port", "0"));
        assertThrows(ParameterException.class,
                () -> Servers.settings("--tls-cert", CERTS.server().cert().toString()));
        assertThrows(ParameterException.class, () -> Servers.settings("--tls-port", "0", "--tls-cert", "a.pem",
                "--tls-key", "a.key", "--tls-handshake-timeout", "0"));
    }

    @Test
    void unusableFilesStopTheStartWithTheirName(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.pem");
        ServerStartException e = assertThrows(ServerStartException.class, () -> Servers.start(transport,
                "--tls-port", "0", "--tls-cert", missing.toString(), "--tls-key", CERTS.server().key().toString()));
        assertEquals("--tls-cert " + missing + ": not a readable file", e.getMessage());

        Path notPem = Files.writeString(dir.resolve("key.pem"), "not a key\n");
        e = assertThrows(ServerStartException.class, () -> Servers.start(transport, "--tls-port", "0",
                "--tls-cert", CERTS.server().cert().toString(), "--tls-key", notPem.toString()));
        assertTrue(e.getMessage().startsWith("cannot use the TLS certificate " + CERTS.server().cert()),
                e.getMessage());
    }

    @Test
    void aWrongPortIsABindFailure() throws Exception {
        try (UppercaseServer first = startTls()) {
            int taken = first.tlsAddress().getPort();
            ServerStartException e = assertThrows(ServerStartException.class,
                    () -> startTls(taken));
            assertTrue(e.getMessage().startsWith("cannot listen on TLS 127.0.0.1:" + taken), e.getMessage());
        }
    }

    /** docs/configuration.md's way to try it by hand. Skipped where openssl is not installed (not a requirement). */
    @Test
    @Timeout(60)
    void opensslSClientGetsItsReplies() throws Exception {
        assumeTrue(Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "openssl"))), "openssl is not installed");
        try (UppercaseServer server = startTls()) {
            Process sClient = new ProcessBuilder("openssl", "s_client", "-quiet", "-verify_return_error",
                    "-connect", "127.0.0.1:" + server.tlsAddress().getPort(), "-CAfile", CERTS.caCert().toString(),
                    "-verify_ip", "127.0.0.1").redirectErrorStream(true).start();
            try {
                sClient.getOutputStream().write("hello from openssl\n".getBytes(StandardCharsets.UTF_8));
                sClient.getOutputStream().flush();
                BufferedReader out = new BufferedReader(
                        new InputStreamReader(sClient.getInputStream(), StandardCharsets.UTF_8));
                List<String> seen = new ArrayList<>();
                String line;
                while ((line = out.readLine()) != null && !line.equals("HELLO FROM OPENSSL")) {
                    seen.add(line); // s_client's own verification lines come first
                }
                assertEquals("HELLO FROM OPENSSL", line, String.join("\n", seen));
            } finally {
                sClient.destroyForcibly(); // -quiet waits for the server to close; this test started it, by handle
                sClient.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
