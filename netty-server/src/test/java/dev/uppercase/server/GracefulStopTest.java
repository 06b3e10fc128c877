package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

@OnEveryTransport
class GracefulStopTest {
    @Parameter
    Transport transport;


    @Test
    void aClientWithRepliesInFlightGetsEveryOneThenEndOfStream() throws Exception {
        UppercaseServer server = Servers.start(transport);
        CompletableFuture<Void> stop;
        PlainTcpClient c = new PlainTcpClient(server.tcpAddress());
        try {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                lines.append("line ").append(i).append('\n');
            }
            c.send(lines.toString());
            Await.until("the server has read every line", () -> server.stats().get(Counter.LINES_IN) == 20_000);
            stop = CompletableFuture.runAsync(server::close);

            // The client has read nothing yet: every reply is still in flight. All arrive, in order, then a clean end.
            for (int i = 0; i < 20_000; i++) {
                assertEquals("LINE " + i + "\n", c.readLine());
            }
            assertNull(c.readLine(), "end of stream after the last reply");
        } finally {
            c.close(); // the server's drain ends when its client closes
        }
        stop.get(60, TimeUnit.SECONDS);
        assertThrows(IOException.class, () -> new Socket().connect(server.tcpAddress(), 1_000), "no longer accepting");
    }

    @Test
    void aPendingPartialLineIsAnsweredOnStop() throws Exception {
        UppercaseServer server = Servers.start(transport, "--quiet-period", "0");
        PlainTcpClient c = new PlainTcpClient(server.tcpAddress());
        CompletableFuture<Void> stop;
        try {
            c.send("whole\npartial, no newline"); // one small write: one segment, read in one go
            Await.until("the server has read the first line", () -> server.stats().get(Counter.LINES_IN) == 1);
            stop = CompletableFuture.runAsync(server::close);
            assertEquals("WHOLE\nPARTIAL, NO NEWLINE", c.readToEnd());
        } finally {
            c.close();
        }
        stop.get(60, TimeUnit.SECONDS);
    }

    @Test
    void stopsWithinTheDrainTimeoutWhenAClientNeverCloses() throws Exception {
        UppercaseServer server = Servers.start(transport, "--drain-timeout", "300ms");
        try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
            assertEquals("X\n", c.send("x\n").readLine());
            Await.until("the connection is registered", () -> server.connectionCount() == 1);
            long started = System.nanoTime();
            server.close(); // the client holds its socket open and never reads the end of stream
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(tookMillis < 30_000, "stopped, not hung: " + tookMillis + " ms");
            assertEquals(0, server.connectionCount());
        }
    }

    @Test
    void aStartThatFailsOnUdpReleasesTheTcpPortItHadBound() throws Exception {
        int tcpPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            tcpPort = probe.getLocalPort(); // a free TCP port for the server to take first
        }
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            ServerStartException e = assertThrows(ServerStartException.class, () -> Servers.start(transport,
                    "--tcp-port", "" + tcpPort, "--udp-port", "" + taken.getLocalPort()));
            assertTrue(e.getMessage().startsWith("cannot listen on UDP"), e.getMessage());
            // Refused: nothing listens there any more. (Binding the port again would also fail if the kernel had since
            // given it to some connection as its local port, which says nothing about the server.)
            assertThrows(ConnectException.class, () -> {
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), tcpPort), 10_000);
                }
            }, "the TCP listener was closed with the event loops");
        }
    }
}
