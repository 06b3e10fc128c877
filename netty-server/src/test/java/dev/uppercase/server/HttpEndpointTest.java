package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * The HTTP endpoint as a small hardened server of its own, spoken to with plain sockets: the limits on the request
 * line and headers, the request and idle timeouts, its own connection limit, the address filter, one request at a
 * time, and closes that deliver their response.
 */
@OnEveryTransport
class HttpEndpointTest {
    private static final String SCRAPE = "GET /metrics HTTP/1.1\r\nhost: localhost\r\n\r\n";

    @Parameter
    Transport transport;

    private UppercaseServer start(String... flags) throws ServerStartException {
        List<String> args = new ArrayList<>(List.of("--metrics-port", "0"));
        args.addAll(List.of(flags));
        return Servers.start(transport, args.toArray(String[]::new));
    }

    private static PlainTcpClient http(UppercaseServer server) throws IOException {
        return new PlainTcpClient(server.metricsAddress());
    }

    /** A response: its status, whether it closes the connection, and its body. */
    record Response(int status, boolean closes, String body) {}

    /** Reads one response (headers, then content-length bytes); null at the end of the stream. */
    private static Response read(PlainTcpClient c) throws IOException {
        String statusLine = c.readLine();
        if (statusLine == null) {
            return null;
        }
        int length = 0;
        boolean closes = false;
        for (String header = c.readLine(); !header.equals("\r\n"); header = c.readLine()) {
            String[] nameValue = header.trim().split(":\\s*", 2);
            String name = nameValue[0].toLowerCase(Locale.ROOT);
            if (name.equals("content-length")) {
                length = Integer.parseInt(nameValue[1]);
            } else if (name.equals("connection")) {
                closes = nameValue[1].equalsIgnoreCase("close");
            }
        }
        return new Response(Integer.parseInt(statusLine.split(" ")[1]), closes,
                new String(c.readBytes(length), StandardCharsets.UTF_8));
    }

    @Test
    void keepsTheConnectionForRequestAfterRequest() throws Exception {
        try (UppercaseServer server = start(); PlainTcpClient c = http(server)) {
            for (String path : new String[] {"/health/live", "/metrics", "/health/ready", "/nothing"}) {
                Response r = read(c.send("GET " + path + " HTTP/1.1\r\nhost: localhost\r\n\r\n"));
                assertEquals(path.equals("/nothing") ? 404 : 200, r.status(), path);
                assertEquals(false, r.closes());
            }
        }
    }

    @Test
    void aRequestLineOverTheLimitIsAnswered414AndClosed() throws Exception {
        try (UppercaseServer server = start("--metrics-max-header-size", "1024"); PlainTcpClient c = http(server)) {
            Response r = read(c.send("GET /" + "a".repeat(2000) + " HTTP/1.1\r\n\r\n"));
            assertEquals(414, r.status());
            assertTrue(r.closes());
            assertEquals("", c.readToEnd(), "the server half-closed after it");
            assertEquals(1, server.stats().get(Counter.HTTP_BAD_REQUESTS));
        }
    }

    /**
     * The response reaches the client while it is still sending its megabyte of header: the server reads on and
     * discards it (a lingering close) instead of closing on unread input, which would reset the connection.
     */
    @Test
    void aMegabyteOfHeadersIsAnswered431AndTheAnswerIsNotLostToAReset() throws Exception {
        try (UppercaseServer server = start(); PlainTcpClient c = http(server)) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    c.send("GET /metrics HTTP/1.1\r\nhost: localhost\r\nx-filler: " + "x".repeat(1 << 20) + "\r\n\r\n");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Response r = read(c);
            assertEquals(431, r.status());
            assertEquals("headers too large\n", r.body());
            sent.get(30, TimeUnit.SECONDS); // all of it was taken: read and discarded
            c.shutdownOutput();
            assertEquals("", c.readToEnd());
        }
    }

    @Test
    void malformedRequestsAreAnswered400() throws Exception {
        try (UppercaseServer server = start()) {
            for (String request : new String[] {"NOT HTTP\r\n\r\n", "GET / HTTP/1.1\r\ncontent-length: x\r\n\r\n"}) {
                try (PlainTcpClient c = http(server)) {
                    Response r = read(c.send(request));
                    assertEquals(400, r.status(), request);
                    assertTrue(r.closes());
                }
            }
        }
    }

    /** A header sent a byte at a time cannot hold a connection: the request must be whole in time. */
    @Test
    void aRequestNotWholeWithinTheRequestTimeoutIsAnswered408() throws Exception {
        try (UppercaseServer server = start("--metrics-request-timeout", "1s"); PlainTcpClient c = http(server)) {
            c.send("GET /metrics HTTP/1.1\r\nhost: local");
            Response r = read(c);
            assertEquals(408, r.status());
            assertTrue(r.closes());
            assertEquals(1, server.stats().get(Counter.HTTP_BAD_REQUESTS));
        }
    }

    @Test
    void aSilentConnectionIsClosedAtTheIdleTimeout() throws Exception {
        try (UppercaseServer server = start("--metrics-idle-timeout", "1s"); PlainTcpClient c = http(server)) {
            assertEquals(200, read(c.send(SCRAPE)).status());
            assertNull(read(c), "closed, after a quiet second");
        }
    }

    @Test
    void oneConnectionOverTheLimitIsAnswered503AndAPlaceFreedIsTakenAgain() throws Exception {
        try (UppercaseServer server = start("--metrics-max-connections", "2")) {
            try (PlainTcpClient first = http(server); PlainTcpClient second = http(server)) {
                assertEquals(200, read(first.send(SCRAPE)).status());
                assertEquals(200, read(second.send(SCRAPE)).status());
                try (PlainTcpClient third = http(server)) {
                    Response r = read(third.send(SCRAPE));
                    assertEquals(503, r.status());
                    assertEquals("too many HTTP connections\n", r.body());
                }
                assertEquals(1, server.stats().get(Counter.HTTP_CONNECTIONS_REJECTED));
            }
            Await.until("a place freed is taken again", () -> scrapes(server));
        }
    }

    private static boolean scrapes(UppercaseServer server) {
        try (PlainTcpClient c = http(server)) {
            return read(c.send(SCRAPE)).status() == 200;
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void theAddressFilterAppliesToTheHttpEndpoint() throws Exception {
        try (UppercaseServer server = start("--deny", "127.0.0.1"); PlainTcpClient c = http(server)) {
            try {
                assertNull(read(c.send(SCRAPE)), "closed unanswered");
            } catch (IOException reset) {
                // closed before or while we wrote: also unanswered
            }
            Await.until("the refusal counted", () -> server.stats().get(Counter.CONNECTIONS_FILTERED) == 1);
        }
    }

    /**
     * Requests pipelined by a client that reads nothing are answered one at a time, each once the one before is
     * written: when it reads at last, it gets every response, in order, and then, having half-closed, the end.
     */
    @Test
    void pipelinedRequestsAreAnsweredOneByOneAndAllOfThemAfterAHalfClose() throws Exception {
        try (UppercaseServer server = start(); PlainTcpClient c = http(server)) {
            List<String> bodies = pipeline(c, 16);
            for (int i = 0; i < bodies.size(); i++) {
                Response r = read(c);
                assertEquals(200, r.status(), "response " + i);
                assertEquals(bodies.get(i), r.body(), "response " + i);
            }
            assertNull(read(c), "every request answered, then closed");
        }
    }

    /**
     * A client that pipelines more than may wait gets the answers to those that did wait, in order, and then the end
     * of the stream (not a reset): what it sent beyond is read and dropped, not held.
     */
    @Test
    void requestsPipelinedBeyondWhatMayWaitAreDroppedAndTheConnectionEndsCleanly() throws Exception {
        try (UppercaseServer server = start(); PlainTcpClient c = http(server)) {
            List<String> bodies = pipeline(c, 2_000);
            int answered = 0;
            for (Response r = read(c); r != null; r = read(c)) {
                assertEquals(bodies.get(answered), r.body(), "response " + answered);
                answered++;
            }
            assertTrue(answered >= 1 && answered <= 17, "the one being answered and the 16 waiting: " + answered);
        }
    }

    /**
     * A stop with a request half received: the connection is closed while its event loop still runs, so the codec
     * gets its channelInactive and releases what it holds (the leak detector fails the test otherwise).
     */
    @Test
    void aStopWithAHalfReceivedRequestReleasesWhatTheCodecHeld() throws Exception {
        UppercaseServer server = start();
        try (PlainTcpClient c = http(server)) {
            // One write: the answer to the first request shows the read that brought the second's start was taken.
            c.send("GET /health/live HTTP/1.1\r\n\r\nGET /health/live HTTP/1.1\r\nhost: not-ended\r\n");
            assertEquals("live\n", read(c).body());
            server.close();
            assertNull(c.readLine(), "closed by the stop");
        } finally {
            server.close();
        }
    }

    /** Sends {@code n} requests in one go and half-closes; returns the bodies their answers must have. */
    private static List<String> pipeline(PlainTcpClient c, int n) throws Exception {
        StringBuilder all = new StringBuilder();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean live = i % 2 == 0;
            all.append("GET /health/").append(live ? "live" : "ready").append(" HTTP/1.1\r\n\r\n");
            bodies.add(live ? "live\n" : "ready\n");
        }
        c.send(all.toString()); // 2,000 requests are 53 KB: the socket buffers take them without a reader
        c.shutdownOutput();
        return bodies;
    }
}
