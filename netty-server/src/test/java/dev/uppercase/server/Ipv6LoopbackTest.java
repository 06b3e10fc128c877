package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uppercase.server.transport.Transport;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

@OnEveryTransport
class Ipv6LoopbackTest {
    @Parameter
    Transport transport;


    @Test
    void servesTcpAndUdpOnIpv6Loopback() throws Exception {
        try (UppercaseServer server = Servers.startOn(transport, "::1")) {
            assertEquals(true, server.tcpAddress().getAddress() instanceof Inet6Address);
            try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
                assertEquals("OVER IPV6\n", c.send("over ipv6\n").readLine());
            }
            assertEquals("DATAGRAM OVER IPV6", UdpServerTest.exchange(server.udpAddress(), "datagram over ipv6"));
        }
    }
}
