package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * --max-connections-per-source over real sockets, with 127.0.0.2 and 127.0.0.3 as two sources on one machine (the
 * loopback ranges are exempt by default, so these tests exempt no one unless they say so).
 */
@OnEveryTransport
class SourceLimitTest {
    private static final InetAddress FIRST = address("127.0.0.2");
    private static final InetAddress SECOND = address("127.0.0.3");

    @Parameter
    Transport transport;

    private final ServerWithClients fixture = new ServerWithClients();
    private UppercaseServer server;

    @AfterEach
    void close() throws IOException {
        fixture.close();
    }

    private void start(String... flags) throws Exception {
        server = fixture.start(transport, flags);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private PlainTcpClient served(InetAddress from, String line) throws IOException {
        PlainTcpClient c = fixture.connectFrom(from);
        assertEquals(line.toUpperCase(Locale.ROOT) + "\n", c.send(line + "\n").readLine(), "from " + from);
        return c;
    }

    private void refused(InetAddress from, int limit) throws IOException {
        try (PlainTcpClient c = PlainTcpClient.from(from, server.tcpAddress())) {
            assertEquals(ErrorReplies.tooManyConnectionsFromSource(limit), c.readLine());
            assertNull(c.readLine(), "then closed");
        }
    }

    @Test
    void oneSourceAtItsLimitIsToldSoAndAnotherIsServed() throws Exception {
        start("--max-connections-per-source", "3", "--max-connections-per-source-exempt", "");
        List<PlainTcpClient> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            first.add(served(FIRST, "first " + i));
        }
        refused(FIRST, 3);
        assertEquals(1, server.stats().get(Counter.CONNECTIONS_REJECTED_PER_SOURCE));
        assertEquals(0, server.stats().get(Counter.CONNECTIONS_REJECTED), "not the server's limit");
        served(SECOND, "another source");
        assertEquals("STILL\n", first.get(0).send("still\n").readLine());

        first.get(0).close();
        Await.until("its place freed", () -> server.connectionCount() == 3);
        served(FIRST, "back");
    }

    /** The default, at its edge: 100 from one source, not one more. */
    @Test
    void byDefaultOneSourceMayHaveAHundred() throws Exception {
        start("--max-connections-per-source-exempt", "");
        for (int i = 0; i < ServerSettings.Defaults.MAX_CONNECTIONS_PER_SOURCE; i++) {
            served(FIRST, "line " + i);
        }
        refused(FIRST, 100);
        served(SECOND, "another source");
    }

    /** Loopback is exempt by default: the machine's own clients (the benchmark kit, a local proxy) are not held. */
    @Test
    void loopbackIsExemptByDefault() throws Exception {
        start("--max-connections-per-source", "2");
        for (int i = 0; i < 5; i++) {
            served(FIRST, "exempt " + i);
        }
        assertEquals(0, server.stats().get(Counter.CONNECTIONS_REJECTED_PER_SOURCE));
    }

    @Test
    void zeroMeansNoLimitPerSource() throws Exception {
        start("--max-connections-per-source", "0", "--max-connections-per-source-exempt", "");
        for (int i = 0; i < 150; i++) {
            served(FIRST, "unlimited " + i);
        }
    }
}
