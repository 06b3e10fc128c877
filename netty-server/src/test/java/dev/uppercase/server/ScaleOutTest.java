package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Server processes behind a real HAProxy, as one would run them: PROXY protocol v2 from the balancer, health checks on
 * /health/ready. Shows that the client's own address reaches the servers, that a server killed under load costs its
 * clients a reconnect and never a wrong reply, and that one stopped with SIGTERM drains its clients while the balancer
 * stops sending it new ones. On the default transport: the PROXY protocol on every transport is ProxyProtocolTest's.
 */
class ScaleOutTest {
    private final List<AutoCloseable> started = new ArrayList<>();

    @BeforeAll
    static void haproxy() throws Exception {
        Haproxy.assumeInstalled();
    }

    /** The balancer first, then the servers, each by PID; whatever a test left running. */
    @AfterEach
    void stopAll() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private List<ServerProcess> servers(int n, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--proxy-protocol-from", "127.0.0.1", "--metrics-port", "0"));
        args.addAll(List.of(flags));
        List<ServerProcess> servers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServerProcess s = new ServerProcess(List.of("-Xmx128m"), args.toArray(String[]::new));
            started.add(s);
            servers.add(s);
        }
        return servers;
    }

    private Haproxy balancer(List<ServerProcess> servers) throws Exception {
        List<Haproxy.Backend> backends = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            backends.add(Haproxy.Backend.of("s" + i, servers.get(i)));
        }
        Haproxy h = new Haproxy(backends);
        started.add(h);
        return h;
    }

    @Test
    void theClientsOwnAddressReachesTheServersBehindTheBalancer() throws Exception {
        List<ServerProcess> servers = servers(2, "--deny", "127.0.0.2");
        Haproxy lb = balancer(servers);
        for (int i = 0; i < 4; i++) { // on whichever server the balancer picks
            try (PlainTcpClient denied = PlainTcpClient.from(InetAddress.getByName("127.0.0.2"), lb.address())) {
                assertNull(denied.send("denied\n").readLine(), "closed unanswered");
            }
            try (PlainTcpClient other = PlainTcpClient.from(InetAddress.getByName("127.0.0.3"), lb.address())) {
                assertEquals("THROUGH THE BALANCER\n", other.send("through the balancer\n").readLine());
            }
        }
        Await.until("the refusal logged with the client's address (the balancer's is 127.0.0.1)", () -> servers
                .stream().anyMatch(s -> s.log().contains("refused a connection from /127.0.0.2:")));
    }

    @Test
    void aServerKilledUnderLoadCostsItsClientsAReconnectAndNeverAWrongReply() throws Exception {
        List<ServerProcess> servers = servers(3);
        Haproxy lb = balancer(servers);
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(Client.start(lb.address(), i));
        }
        try {
            Await.until("every client answered", () -> clients.stream().allMatch(c -> c.answered.get() > 50));
            assertEquals(137, servers.get(0).kill(), "SIGKILL");
            long[] before = clients.stream().mapToLong(c -> c.answered.get()).toArray();
            Await.until("every client answered again, by the others", () -> {
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).assertNoWrongReply();
                    if (clients.get(i).answered.get() < before[i] + 200) {
                        return false;
                    }
                }
                return true;
            });
            Await.until("the balancer to see it gone", () -> lb.status("s0").startsWith("DOWN"));
            assertTrue(clients.stream().anyMatch(c -> c.cut.get() > 0), "some client was on the killed server");
        } finally {
            for (Client c : clients) {
                c.stop();
            }
        }
        for (Client c : clients) {
            c.assertNoWrongReply();
        }
    }

    @Test
    void aServerStoppedWithSigtermDrainsItsClientsAndTheBalancerStopsSendingIt() throws Exception {
        List<ServerProcess> servers = servers(2, "--drain-timeout", "60s", "--log-level", "debug");
        ServerProcess stopped = servers.get(0);
        Haproxy lb = balancer(servers);
        List<PlainTcpClient> onStopped = new ArrayList<>();
        List<PlainTcpClient> onOther = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) { // least connections: two on each server
                PlainTcpClient c = new PlainTcpClient(lb.address());
                assertEquals("BEFORE " + i + "\n", c.send("before " + i + "\n").readLine());
                // The server logs the client's own address and port, as the PROXY header gave them.
                String opened = "connection from " + c.socket().getLocalSocketAddress() + " opened";
                Await.until("the connection's server to log it",
                        () -> servers.stream().anyMatch(s -> s.log().contains(opened)));
                (stopped.log().contains(opened) ? onStopped : onOther).add(c);
            }
            assertEquals(2, onStopped.size(), "least connections: two on each");

            stopped.signalStop();
            // Lines sent as the stop begins: each one the server read is answered, in order, then the stream ends,
            // without a reset. (Which of them it read first depends on the timing; none is answered wrongly.)
            for (PlainTcpClient c : onStopped) {
                StringBuilder lines = new StringBuilder();
                for (int n = 0; n < 100; n++) {
                    lines.append("during ").append(n).append('\n');
                }
                c.send(lines.toString());
                int n = 0;
                for (String reply; (reply = c.readLine()) != null; n++) {
                    assertEquals("DURING " + n + "\n", reply);
                }
            }
            Await.until("the balancer to take it out, on its 503", () -> lb.status("s0").equals("DOWN L7STS 503"));
            long sentToStopped = Long.parseLong(lb.stat("s0", "stot"));
            for (int i = 0; i < 10; i++) {
                try (PlainTcpClient c = new PlainTcpClient(lb.address())) {
                    assertEquals("AFTER " + i + "\n", c.send("after " + i + "\n").readLine());
                }
            }
            assertEquals(sentToStopped, Long.parseLong(lb.stat("s0", "stot")), "none sent to the draining server");
            assertTrue(stopped.isAlive(), "still draining: the 503 was its answer, not a refused connection");
            for (PlainTcpClient c : onOther) {
                assertEquals("STILL\n", c.send("still\n").readLine(), "the other server's clients: served as before");
            }
        } finally {
            for (PlainTcpClient c : onStopped) {
                c.close();
            }
            for (PlainTcpClient c : onOther) {
                c.close();
            }
        }
        assertEquals(0, stopped.awaitExit(30), "the drain ends once its clients have gone");
    }

    /** Sends numbered lines one at a time through the balancer, checks each reply, and reconnects when cut. */
    private static final class Client implements Runnable {
        final AtomicLong answered = new AtomicLong();
        final AtomicLong cut = new AtomicLong();
        private final AtomicReference<String> wrong = new AtomicReference<>();
        private final InetSocketAddress balancer;
        private final int id;
        private final Thread thread;
        private volatile boolean stopping;

        private Client(InetSocketAddress balancer, int id) {
            this.balancer = balancer;
            this.id = id;
            this.thread = new Thread(this, "scale-out-client-" + id);
        }

        static Client start(InetSocketAddress balancer, int id) {
            Client c = new Client(balancer, id);
            c.thread.start();
            return c;
        }

        @Override
        public void run() {
            long n = 0;
            while (!stopping && wrong.get() == null) {
                try (Socket s = new Socket()) {
                    s.connect(balancer, 5_000);
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    PlainTcpClient.LineInput in = new PlainTcpClient.LineInput(s.getInputStream());
                    while (!stopping) {
                        String line = "client " + id + " line " + n++ + " größe ΐ";
                        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                        String reply = in.readLine();
                        if (reply == null || !reply.endsWith("\n")) {
                            break; // ended or cut mid-reply: a cut reply is not a reply; connect again
                        }
                        if (!reply.equals(line.toUpperCase(Locale.ROOT) + "\n")) {
                            wrong.set("sent '" + line + "', got '" + reply + "'");
                            return;
                        }
                        answered.incrementAndGet();
                    }
                } catch (IOException e) {
                    // reset, or refused while the balancer had not yet seen the server gone: connect again
                }
                cut.incrementAndGet();
            }
        }

        void assertNoWrongReply() {
            assertNull(wrong.get(), "client " + id);
        }

        void stop() throws InterruptedException {
            stopping = true;
            thread.join(60_000);
        }
    }
}
