package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.server.http.HttpEndpointHandler;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import dev.uppercase.testing.TestCertificates;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** The HTTP endpoint: /metrics scraped and parsed after known traffic, and the health states around a stop. */
@OnEveryTransport
class MetricsAndHealthTest {
    @Parameter
    Transport transport;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    private HttpResponse<String> get(UppercaseServer server, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.metricsAddress().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Prometheus text: "name{labels} value" lines, comments skipped. */
    private static Map<String, Double> parse(String exposition) {
        Map<String, Double> values = new HashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return values;
    }

    @Test
    void metricsCountKnownTrafficExactly() throws Exception {
        try (UppercaseServer server = Servers.start(transport, "--metrics-port", "0", "--max-line-length", "10")) {
            try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
                c.send("one\ntwo\n");
                c.send(new byte[] {'b', (byte) 0xFF, '\n'}); // one invalid byte: replaced
                c.send("this line is too long\n");
                c.readLine();
                c.readLine();
                c.readLine();
                c.readLine();
            }
            UdpServerTest.exchange(server.udpAddress(), "datagram");
            UdpServerTest.exchange(server.udpAddress(), new byte[0], 10_000);
            Await.until("the connection is closed", () -> server.connectionCount() == 0);

            HttpResponse<String> response = get(server, "/metrics");
            assertEquals(200, response.statusCode());
            assertEquals(HttpEndpointHandler.PROMETHEUS_TEXT, response.headers().firstValue("content-type").orElse(""));
            Map<String, Double> m = parse(response.body());
            assertEquals(1.0, m.get("uppercase_connections_opened_total"));
            assertEquals(0.0, m.get("uppercase_connections_active"));
            assertEquals(3.0, m.get("uppercase_lines_in_total"), "one, two, and the replaced line");
            assertEquals(1.0, m.get("uppercase_errors_total{kind=\"line_too_long\"}"));
            assertEquals(1.0, m.get("uppercase_errors_total{kind=\"decode_replaced\"}"));
            assertEquals(0.0, m.get("uppercase_errors_total{kind=\"idle_close\"}"));
            assertEquals(8.0 + 3 + 22, m.get("uppercase_bytes_in_total"));
            // ONE, TWO, B and U+FFFD (three bytes), and the error line in the long line's place
            assertEquals(8.0 + 5 + ErrorReplies.lineTooLong(10).getBytes(StandardCharsets.UTF_8).length,
                    m.get("uppercase_bytes_out_total"));
            assertEquals(2.0, m.get("uppercase_datagrams_in_total"));
            assertEquals(2.0, m.get("uppercase_datagrams_out_total"));
            for (Counter counter : Counter.values()) { // each declared once, each exported
                String key = counter.metric() + "_total" + (counter.labelName().isEmpty() ? ""
                        : "{" + counter.labelName() + "=\"" + counter.labelValue() + "\"}");
                assertTrue(m.containsKey(key), key);
            }
            for (String reason : new String[] {"too_large", "filtered", "rate_limited"}) {
                assertEquals(0.0, m.get("uppercase_datagrams_dropped_total{reason=\"" + reason + "\"}"), reason);
            }
            assertEquals(0.0, m.get("uppercase_errors_total{kind=\"internal\"}"));
            assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "JVM metrics");
            assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("netty_")), "Netty metrics");
        }
    }

    /** Netty's binder gives every group's gauges the same name: each group must be there, told apart by a tag. */
    @Test
    void eachEventLoopGroupHasItsOwnSeries() throws Exception {
        try (UppercaseServer server = Servers.start(transport, "--metrics-port", "0")) {
            Map<String, Double> m = parse(get(server, "/metrics").body());
            int cores = Runtime.getRuntime().availableProcessors();
            assertEquals((double) cores, m.get("netty_eventexecutor_workers{group=\"tcp\"}"), "one per core");
            assertEquals(server.transport().hasReusePort() ? cores : 1.0, m.get(
                    "netty_eventexecutor_workers{group=\"udp\"}"));
            assertEquals(1.0, m.get("netty_eventexecutor_workers{group=\"http\"}"), "scrapes on a thread of their own");
            for (String group : new String[] {"tcp", "udp", "http"}) {
                long pending = m.keySet().stream()
                        .filter(k -> k.startsWith("netty_eventexecutor_tasks_pending{group=\"" + group + "\","))
                        .count();
                assertEquals(m.get("netty_eventexecutor_workers{group=\"" + group + "\"}"), (double) pending,
                        "one pending-tasks gauge per " + group + " event loop");
            }
        }
    }

    @Test
    void tlsFailuresAndRateLimitedDatagramsAreCounted() throws Exception {
        TestCertificates certs = TestCertificates.get();
        try (UppercaseServer server = Servers.start(transport, "--metrics-port", "0", "--udp-reply-rate", "1",
                "--udp-reply-rate-exempt", "",
                "--tls-port", "0", "--tls-cert", certs.server().cert().toString(),
                "--tls-key", certs.server().key().toString())) {
            try (PlainTcpClient c = new PlainTcpClient(server.tlsAddress())) {
                c.send("plain text\n").readToEnd();
            }
            try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                for (int i = 0; i < 5; i++) {
                    socket.send(new DatagramPacket(new byte[] {'x'}, 1, server.udpAddress()));
                }
                Await.until("every datagram handled",
                        () -> server.stats().get(Counter.DATAGRAMS_OUT)
                                + server.stats().get(Counter.DATAGRAMS_RATE_LIMITED) == 5);
            }
            Map<String, Double> m = parse(get(server, "/metrics").body());
            assertEquals(1.0, m.get("uppercase_errors_total{kind=\"tls_handshake\"}"));
            assertEquals(5.0, m.get("uppercase_datagrams_in_total"));
            long rateLimited = server.stats().get(Counter.DATAGRAMS_RATE_LIMITED);
            assertTrue(rateLimited >= 1, "a burst of 1: the rest are over the rate");
            assertEquals((double) rateLimited, m.get("uppercase_datagrams_dropped_total{reason=\"rate_limited\"}"));
            assertEquals(5.0 - rateLimited, m.get("uppercase_datagrams_out_total"));
        }
    }

    @Test
    void readyWhileServingNotReadyWhileDrainingLiveThroughout() throws Exception {
        UppercaseServer server = Servers.start(transport, "--metrics-port", "0", "--drain-timeout", "10s");
        assertEquals(200, get(server, "/health/ready").statusCode());
        assertEquals(200, get(server, "/health/live").statusCode());
        assertEquals(404, get(server, "/nothing").statusCode());
        PlainTcpClient holdsTheDrain = new PlainTcpClient(server.tcpAddress());
        CompletableFuture<Void> stop;
        try {
            assertEquals("X\n", holdsTheDrain.send("x\n").readLine());
            stop = CompletableFuture.runAsync(server::close);
            Await.until("the stop to begin", () -> !server.isReady());
            assertEquals(503, get(server, "/health/ready").statusCode(), "not ready while draining");
            assertEquals(200, get(server, "/health/live").statusCode(), "still alive while draining");
        } finally {
            holdsTheDrain.close(); // the drain ends when its last client closes
        }
        stop.get(15, TimeUnit.SECONDS);
    }
}
