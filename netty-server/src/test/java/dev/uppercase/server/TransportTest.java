package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uppercase.codec.Datagrams;
import dev.uppercase.server.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** The protocol's edges on each transport, and what each transport brings of its own. */
@OnEveryTransport
class TransportTest {
    @Parameter
    Transport transport;

    @Test
    void servesTheProtocolOnTheTransportAskedFor() throws Exception {
        try (UppercaseServer server = Servers.start(transport, "--quiet-period", "0")) {
            assertEquals(transport, server.transport());
            try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
                c.send("one\r\ntwo\n\nstraße\nhalf");
                assertEquals("ONE\r\n", c.readLine());
                assertEquals("TWO\n", c.readLine());
                assertEquals("\n", c.readLine());
                assertEquals("STRASSE\n", c.readLine());
                c.shutdownOutput();
                assertEquals("HALF", c.readToEnd());
            }
            assertEquals(0, UdpServerTest.exchange(server.udpAddress(), new byte[0], 10_000).length);
            byte[] largest = new byte[Datagrams.MAX_IPV4_PAYLOAD];
            Arrays.fill(largest, (byte) 'q');
            byte[] reply = UdpServerTest.exchange(server.udpAddress(), largest, 10_000);
            assertEquals(Datagrams.MAX_IPV4_PAYLOAD, reply.length);
            assertEquals('Q', reply[reply.length - 1]);
            assertEquals("ÜBER", new String(UdpServerTest.exchange(server.udpAddress(),
                    "über".getBytes(StandardCharsets.UTF_8), 10_000), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aReusePortTransportHasAUdpSocketPerCoreOnOnePort() throws Exception {
        assumeTrue(transport.hasReusePort(), () -> transport + " has no SO_REUSEPORT: one UDP socket");
        try (UppercaseServer server = Servers.start(transport)) {
            // Many senders: the kernel spreads them over the sockets by address; each must be answered.
            for (int i = 0; i < 50; i++) {
                assertEquals("SENDER " + i, UdpServerTest.exchange(server.udpAddress(), "sender " + i));
            }
        }
    }
}
