package dev.uppercase.server;

import dev.uppercase.server.transport.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's server and the clients it connected, closed clients first: a server stopped with clients still connected
 * would give them its drain timeout, seconds per test.
 */
final class ServerWithClients implements AutoCloseable {
    private final List<PlainTcpClient> clients = new ArrayList<>();
    private UppercaseServer server;

    UppercaseServer start(Transport transport, String... flags) throws Exception {
        server = Servers.start(transport, flags);
        return server;
    }

    UppercaseServer server() {
        return server;
    }

    PlainTcpClient connect() throws IOException {
        return keep(new PlainTcpClient(server.tcpAddress()));
    }

    /** From {@code local}: another loopback address is another source. */
    PlainTcpClient connectFrom(InetAddress local) throws IOException {
        return keep(PlainTcpClient.from(local, server.tcpAddress()));
    }

    private PlainTcpClient keep(PlainTcpClient c) {
        clients.add(c);
        return c;
    }

    @Override
    public void close() throws IOException {
        for (PlainTcpClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
