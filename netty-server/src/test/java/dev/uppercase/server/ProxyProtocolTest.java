package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import dev.uppercase.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * --proxy-protocol-from over real sockets: the test stands in for the proxy, from 127.0.0.1 (listed) or 127.0.0.2
 * (not), and names clients from the documentation ranges (203.0.113.0/24, 2001:db8::/32), which no loopback range
 * exempts.
 */
@OnEveryTransport
class ProxyProtocolTest {
    private static final byte[] V2_SIGNATURE = {13, 10, 13, 10, 0, 13, 10, 'Q', 'U', 'I', 'T', 10};
    private static final TestCertificates CERTS = TestCertificates.get();

    @Parameter
    Transport transport;

    private final ServerWithClients fixture = new ServerWithClients();
    private UppercaseServer server;

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private void start(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--proxy-protocol-from", "127.0.0.1",
                "--proxy-protocol-timeout", "1s"));
        args.addAll(List.of(flags));
        server = fixture.start(transport, args.toArray(String[]::new));
    }

    private PlainTcpClient connect() throws Exception {
        return fixture.connect();
    }

    private static String v1(String client) {
        return "PROXY TCP4 " + client + " 127.0.0.1 40000 12000\r\n";
    }

    /** A v2 header by the specification's layout: signature, version and command, family, length, addresses. */
    private static byte[] v2(boolean local, String client, String proxy) throws Exception {
        byte[] source = InetAddress.getByName(client).getAddress();
        byte[] destination = InetAddress.getByName(proxy).getAddress();
        ByteBuffer b = ByteBuffer.allocate(16 + 2 * source.length + 4);
        b.put(V2_SIGNATURE).put((byte) (local ? 0x20 : 0x21)).put((byte) (source.length == 4 ? 0x11 : 0x21));
        b.putShort((short) (2 * source.length + 4)).put(source).put(destination).putShort((short) 40000)
                .putShort((short) 12000);
        return b.array();
    }

    private static byte[] concat(byte[] header, String rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(rest.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void aV1HeaderThenLinesInOneWriteAreAnswered() throws Exception {
        start();
        PlainTcpClient c = connect().send(v1("203.0.113.7") + "hello\nwörld\r\n");
        assertEquals("HELLO\n", c.readLine());
        assertEquals("WÖRLD\r\n", c.readLine());
        assertEquals("AND MORE\n", c.send("and more\n").readLine());
    }

    @Test
    void aV2HeaderSentByteByByteIsReadWhole() throws Exception {
        start();
        PlainTcpClient c = connect();
        for (byte b : concat(v2(false, "2001:db8::7", "::1"), "hi\n")) {
            c.send(new byte[] {b});
        }
        assertEquals("HI\n", c.readLine());
    }

    /** The client the header names is the one --deny sees, on either version of the header. */
    @Test
    void theClientBehindTheProxyIsTheOneTheFilterSees() throws Exception {
        start("--deny", "203.0.113.0/24,2001:db8::/32");
        assertNull(connect().send(v1("203.0.113.7") + "denied\n").readLine(), "closed unanswered");
        assertNull(connect().send(concat(v2(false, "2001:db8::7", "::1"), "denied\n")).readLine());
        assertEquals("ALLOWED\n", connect().send(v1("198.51.100.1") + "allowed\n").readLine());
        assertEquals(2, server.stats().get(Counter.CONNECTIONS_FILTERED));
    }

    /** ... and the one the per-source limit counts: two clients behind one proxy are two sources. */
    @Test
    void eachClientBehindTheProxyHasItsOwnShare() throws Exception {
        start("--max-connections-per-source", "1");
        assertEquals("ONE\n", connect().send(v1("203.0.113.7") + "one\n").readLine());
        PlainTcpClient over = connect().send(v1("203.0.113.7") + "two\n");
        assertEquals(ErrorReplies.tooManyConnectionsFromSource(1), over.readLine());
        assertNull(over.readLine());
        assertEquals("OTHER\n", connect().send(concat(v2(false, "203.0.113.8", "127.0.0.1"), "other\n"))
                .readLine());
        assertEquals(1, server.stats().get(Counter.CONNECTIONS_REJECTED_PER_SOURCE));
    }

    /** A proxy's own health check (LOCAL) is served as the proxy itself. */
    @Test
    void aLocalHeaderIsServedAsTheProxy() throws Exception {
        start("--deny", "203.0.113.0/24");
        assertEquals("CHECK\n", connect().send(concat(v2(true, "203.0.113.7", "127.0.0.1"), "check\n")).readLine());
    }

    /** The specification forbids guessing: from a listed proxy, anything but a header closes the connection. */
    @Test
    void aListedSourceWithoutAHeaderIsClosedUnanswered() throws Exception {
        start();
        assertNull(connect().send("a line where the header should be\n").readLine());
        assertNull(connect().send("PROXY TCP4 not-an-address 127.0.0.1 1 2\r\n").readLine());
        assertNull(connect().send("hi\n").readLine(), "too short to be a header: closed at the timeout");
        PlainTcpClient silent = connect();
        assertNull(silent.readLine(), "nothing at all: closed at the timeout");
        assertEquals(0, server.stats().get(Counter.CONNECTIONS_OPENED), "none was served");
        assertEquals("AFTER\n", connect().send(v1("203.0.113.7") + "after\n").readLine());
    }

    /** From an address not listed, a header is only a line, and answered as one. */
    @Test
    void fromAnySourceNotListedAProxyLineIsALine() throws Exception {
        server = fixture.start(transport, "--proxy-protocol-from", "127.0.0.2");
        assertEquals(v1("203.0.113.7").toUpperCase(Locale.ROOT), connect().send(v1("203.0.113.7"))
                .readLine());
    }

    /** The header comes before the TLS handshake, on the TLS listener too. */
    @Test
    void theHeaderPrecedesTheTlsHandshake() throws Exception {
        start("--tls-port", "0", "--tls-cert", CERTS.server().cert().toString(),
                "--tls-key", CERTS.server().key().toString(), "--deny", "203.0.113.0/24");
        try (PlainTcpClient c = PlainTcpClient.tlsAfter(v1("198.51.100.1").getBytes(StandardCharsets.US_ASCII),
                server.tlsAddress(), TlsTest.clientContext(null), "TLSv1.3")) {
            assertEquals("OVER TLS\n", c.send("over tls\n").readLine());
        }
        try (PlainTcpClient c = PlainTcpClient.tlsAfter(v1("203.0.113.7").getBytes(StandardCharsets.US_ASCII),
                server.tlsAddress(), TlsTest.clientContext(null), "TLSv1.3")) {
            c.send("denied\n");
            assertNull(c.readLine());
        } catch (IOException handshakeCut) {
            // closed before the handshake finished: what a denied client should see
        }
        Await.until("the denied one counted", () -> server.stats().get(Counter.CONNECTIONS_FILTERED) == 1);
    }
}
