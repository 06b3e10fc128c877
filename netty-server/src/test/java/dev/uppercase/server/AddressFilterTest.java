package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.server.config.AddressFilter;
import dev.uppercase.server.config.ServerCommandLine;
import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.ParameterException;

/** --allow and --deny, over TCP and UDP, on IPv4 and IPv6 loopback. */
@OnEveryTransport
class AddressFilterTest {
    @Parameter
    Transport transport;

    private UppercaseServer start(String bind, String... flags) throws ServerStartException {
        return Servers.startOn(transport, bind, flags);
    }

    @ParameterizedTest(name = "{0} with {1} {2}")
    @CsvSource({
        "127.0.0.1, --allow, 127.0.0.0/8",
        "127.0.0.1, --deny, '10.0.0.0/8,192.168.0.0/16'",
        "::1, --allow, ::1/128",
        "::1, --deny, 2001:db8::/32",
    })
    void anAllowedSourceIsServedOnBothProtocols(String bind, String flag, String ranges) throws Exception {
        try (UppercaseServer server = start(bind, flag, ranges);
                PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
            assertEquals("ALLOWED\n", c.send("allowed\n").readLine());
            assertEquals("ALLOWED", UdpServerTest.exchange(server.udpAddress(), "allowed"));
            assertEquals(0, server.stats().get(Counter.CONNECTIONS_FILTERED)
                    + server.stats().get(Counter.DATAGRAMS_FILTERED));
        }
    }

    @ParameterizedTest(name = "{0} with {1} {2}")
    @CsvSource({
        "127.0.0.1, --allow, 10.0.0.0/8",
        "127.0.0.1, --deny, 127.0.0.1",
        "::1, --allow, 2001:db8::/32",
        "::1, --deny, ::/0",
        "127.0.0.1, --deny, 0.0.0.0/0",
    })
    void aRefusedSourceIsClosedUnansweredAndItsDatagramsDropped(String bind, String flag, String ranges)
            throws Exception {
        try (UppercaseServer server = start(bind, flag, ranges)) {
            try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
                try {
                    c.send("refused?\n");
                    assertEquals(null, c.readLine(), "closed without a reply");
                } catch (IOException reset) {
                    // closed before or while we wrote: also no reply
                }
            }
            assertThrows(SocketTimeoutException.class,
                    () -> UdpServerTest.exchange(server.udpAddress(), "refused?".getBytes(), 500));
            Await.until("both refusals counted",
                    () -> server.stats().get(Counter.CONNECTIONS_FILTERED) == 1
                            && server.stats().get(Counter.DATAGRAMS_FILTERED) == 1);
            assertEquals(0, server.stats().get(Counter.CONNECTIONS_OPENED),
                    "a refused connection is not an opened one");
        }
    }

    @Test
    void denyWinsOverAllow() {
        AddressFilter f = AddressFilter.of(List.of("127.0.0.0/8"), List.of("127.0.0.2"));
        assertTrue(f.accepts(new InetSocketAddress("127.0.0.1", 1)));
        assertFalse(f.accepts(new InetSocketAddress("127.0.0.2", 1)));
        assertFalse(f.accepts(new InetSocketAddress("::1", 1)), "allow lists only IPv4 here");
    }

    /** As the JDK reads it, and as a dual-stack socket reports an IPv4 client: the IPv4 address it maps. */
    @Test
    void anIpv4MappedAddressIsTheIpv4AddressItMaps() {
        AddressFilter one = AddressFilter.of(List.of(), List.of("::ffff:127.0.0.2"));
        assertFalse(one.accepts(new InetSocketAddress("127.0.0.2", 1)));
        assertTrue(one.accepts(new InetSocketAddress("127.0.0.3", 1)), "no prefix: one address");
        AddressFilter range = AddressFilter.of(List.of(), List.of("::ffff:127.0.0.0/120"));
        assertFalse(range.accepts(new InetSocketAddress("127.0.0.255", 1)));
        assertTrue(range.accepts(new InetSocketAddress("127.0.1.1", 1)), "the prefix counts the mapping's 96 bits");
    }

    @Test
    void emptyVariablesMeanNoRanges() {
        ServerSettings s = ServerCommandLine.parse(new String[0], Map.of("UPPERCASE_ALLOW", "", "UPPERCASE_DENY", " "));
        assertTrue(s.addressFilter().isOpen());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--allow=example.org/8", "--allow=10.0.0.0/33", "--deny=::1/129", "--deny=1.2.3.4/x",
        "--allow=300.1.1.1", "--deny=::ffff:127.0.0.1/95"})
    void aBadRangeIsAUsageError(String arg) {
        assertThrows(ParameterException.class, () -> ServerCommandLine.parse(new String[] {arg}, Map.of()));
    }
}
