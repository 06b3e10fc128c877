package dev.uppercase.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.server.UppercaseServer;
import dev.uppercase.server.config.ServerCommandLine;
import dev.uppercase.testing.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

/** The client's --tls against the real server's TLS listener, with certificates made by the test. */
class ClientTlsTest {
    private static final TestCertificates CERTS = TestCertificates.get();

    private static UppercaseServer startServer(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--port", "0", "--tls-port", "0",
                "--tls-cert", CERTS.server().cert().toString(), "--tls-key", CERTS.server().key().toString()));
        args.addAll(List.of(flags));
        return UppercaseServer.start(ServerCommandLine.parse(args.toArray(String[]::new), Map.of()));
    }

    private static ClientTest.Run run(UppercaseServer server, String host, String input, String... flags) {
        List<String> args = new ArrayList<>(List.of("--host", host, "--port", "" + server.tlsAddress().getPort(),
                "--tls"));
        args.addAll(List.of(flags));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UppercaseClient.run(args.toArray(String[]::new), Map.of(), false,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new ClientTest.Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void filterOverTlsIsByteExactWithALastLineWithoutNewline() throws Exception {
        try (UppercaseServer server = startServer()) {
            String input = "hello\r\nstraße\n\nno newline at the end";
            ClientTest.Run r = run(server, "localhost", input, "--tls-ca", CERTS.caCert().toString());
            assertEquals(new ClientTest.Run(0, "HELLO\r\nSTRASSE\n\nNO NEWLINE AT THE END", ""), r);
        }
    }

    @Test
    void oneShotOverTlsByAddress() throws Exception {
        try (UppercaseServer server = startServer()) {
            assertEquals(new ClientTest.Run(0, "SECRET TEXT\n", ""),
                    run(server, "127.0.0.1", "", "--tls-ca", CERTS.caCert().toString(), "secret", "text"));
        }
    }

    @Test
    void aServerTheClientDoesNotTrustIsRefusedWithExitCodeThree() throws Exception {
        try (UppercaseServer server = startServer()) {
            ClientTest.Run r = run(server, "localhost", "", "hello"); // the JDK's CAs never signed the test CA
            assertEquals(ExitCodes.CANNOT_CONNECT, r.exitCode(), r.err());
            assertTrue(r.err().startsWith("uppercase-client: TLS handshake with localhost:"), r.err());
            assertTrue(r.err().endsWith("failed: the server's certificate is not signed by a CA this client trusts "
                    + "(name it with --tls-ca)\n"), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void clientCertificateWhenTheServerAsksForOne() throws Exception {
        try (UppercaseServer server = startServer("--tls-client-ca", CERTS.caCert().toString())) {
            String ca = CERTS.caCert().toString();
            assertEquals(new ClientTest.Run(0, "LET ME IN\n", ""), run(server, "localhost", "", "--tls-ca", ca,
                    "--tls-cert", CERTS.client().cert().toString(), "--tls-key", CERTS.client().key().toString(),
                    "let", "me", "in"));
            ClientTest.Run refused = run(server, "localhost", "", "--tls-ca", ca, "let", "me", "in");
            assertTrue(refused.exitCode() == ExitCodes.CANNOT_CONNECT || refused.exitCode() == ExitCodes.CLOSED_EARLY,
                    refused.toString());
            assertEquals("", refused.out());
        }
    }

    @Test
    void tlsFlagsAreCheckedTogether() {
        for (String[] args : List.of(new String[] {"--tls", "--udp"}, new String[] {"--tls-ca", "ca.pem"},
                new String[] {"--tls", "--tls-cert", "c.pem"})) {
            assertThrows(ParameterException.class, () -> ClientSettings.parse(args, Map.of()), String.join(" ", args));
        }
        assertEquals(12443, ClientSettings.parse(new String[] {"--tls"}, Map.of()).port());
        assertEquals(12000, ClientSettings.parse(new String[] {}, Map.of()).port());
    }
}
