package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uppercase.codec.Datagrams;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The protocol's edges on every transport this machine has (epoll and io_uring are both available here). */
class TransportTest {

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL", "IO_URING"})
    void servesTheProtocolOnEveryTransport(Transport transport) throws Exception {
        try (UppercaseServer server = Servers.start("--transport", transport.toString(), "--quiet-period", "0")) {
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

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "IO_URING"})
    void aReusePortTransportHasAUdpSocketPerCoreOnOnePort(Transport transport) throws Exception {
        try (UppercaseServer server = Servers.start("--transport", transport.toString())) {
            // Many senders: the kernel spreads them over the sockets by address; each must be answered.
            for (int i = 0; i < 50; i++) {
                assertEquals("SENDER " + i, UdpServerTest.exchange(server.udpAddress(), "sender " + i));
            }
        }
    }
}
