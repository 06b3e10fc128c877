package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Ipv6LoopbackTest {

    @Test
    void servesTcpAndUdpOnIpv6Loopback() throws Exception {
        ServerSettings settings = ServerCommandLine.parse(new String[] {"--bind", "::1", "--port", "0"}, Map.of());
        try (UppercaseServer server = UppercaseServer.start(settings)) {
            assertEquals(true, server.tcpAddress().getAddress() instanceof Inet6Address);
            try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
                assertEquals("OVER IPV6\n", c.send("over ipv6\n").readLine());
            }
            assertEquals("DATAGRAM OVER IPV6", UdpServerTest.exchange(server.udpAddress(), "datagram over ipv6"));
        }
    }
}
