package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.codec.Datagrams;
import dev.uppercase.server.config.ServerSettings;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

@OnEveryTransport
class UdpAbuseTest {
    private static final byte[] WORST_REQUEST = "\u0390".repeat(700).getBytes(StandardCharsets.UTF_8);
    private static final int WORST_REPLY_BYTES = 3 * WORST_REQUEST.length; // U+0390 is U+0399 U+0308 U+0301
    private static final int IPV4_UDP_HEADERS = 28;

    @Parameter
    Transport transport;

    private UppercaseServer server;

    @BeforeEach
    void start() throws Exception {
        server = Servers.start(transport);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anyBytesOfAnySizeUpToTheMaximumGetTheirDefinedAnswer() throws Exception {
        Random random = new Random(7);
        int[] sizes = {0, 1, 2, 100, 1500, 2048, 2049, 9000, 21_835, 21_836, 40_000, Datagrams.MAX_IPV4_PAYLOAD};
        long dropped = 0;
        for (int size : sizes) {
            byte[] request = new byte[size];
            random.nextBytes(request);
            byte[] documented = BadInputTest.documentedReply(request);
            if (documented.length <= Datagrams.MAX_IPV4_PAYLOAD) {
                assertArrayEquals(documented, UdpServerTest.exchange(server.udpAddress(), request, 10_000), "size "
                        + size);
            } else {
                // Mostly U+FFFD, 3 bytes for each bad byte: the reply would not fit in a datagram, so none is sent.
                assertThrows(SocketTimeoutException.class, () -> UdpServerTest.exchange(server.udpAddress(), request,
                        300));
                long expected = ++dropped;
                Await.until("the dropped reply is counted",
                        () -> server.stats().get(Counter.REPLIES_TOO_LARGE) == expected);
            }
            assertEquals("NEXT", UdpServerTest.exchange(server.udpAddress(), "next"));
        }
    }

    @Test
    void aDatagramFloodDoesNotStarveTcpAndUdpServesAfterIt() throws Exception {
        Process flood = DatagramFlood.start(server.udpAddress(), 5_000_000); // never reads its replies
        try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
            Await.until("the flood to be under way", () -> server.stats().get(Counter.DATAGRAMS_OUT) > 10_000);
            for (int i = 0; i < 200; i++) {
                assertEquals("TCP " + i + "\n", c.send("tcp " + i + "\n").readLine());
            }
            try (PlainTcpClient newcomer = new PlainTcpClient(server.tcpAddress())) {
                assertEquals("NEW\n", newcomer.send("new\n").readLine());
            }
        } finally {
            flood.getOutputStream().close(); // its stop signal
            if (!flood.waitFor(60, TimeUnit.SECONDS)) {
                flood.destroyForcibly(); // by its handle: only the process this test started
            }
        }
        // The flood may still fill the server's socket buffer, where the kernel drops what does not fit: UDP's own
        // loss, which a UDP client answers by sending again.
        String reply = null;
        for (int attempt = 0; attempt < 10 && reply == null; attempt++) {
            try {
                reply = new String(UdpServerTest.exchange(server.udpAddress(),
                        "after the flood".getBytes(StandardCharsets.UTF_8), 1_000), StandardCharsets.UTF_8);
            } catch (SocketTimeoutException lost) {
                // send again
            }
        }
        assertEquals("AFTER THE FLOOD", reply);
    }

    /** What a spoofed flood would reflect at its victim: at most the rate, per second, per source address. */
    @Test
    void repliesToOneSourceAreHeldToTheReplyRate() throws Exception {
        try (UppercaseServer limited = Servers.start(transport, "--udp-reply-rate", "2",
                "--udp-reply-rate-exempt", "");
                DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(5_000);
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                byte[] request = ("flood " + i).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(request, request.length, limited.udpAddress()));
            }
            Await.until("every datagram is answered or dropped", () -> limited.stats().get(Counter.DATAGRAMS_OUT)
                    + limited.stats().get(Counter.DATAGRAMS_RATE_LIMITED) == 10);
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long answered = limited.stats().get(Counter.DATAGRAMS_OUT);
            // Two at once, then one per 500 ms: more only if the sending itself took that long.
            assertTrue(answered >= 2 && answered <= 2 + elapsedMillis / 500, answered + " in " + elapsedMillis + " ms");
            assertEquals(10 - answered, limited.stats().get(Counter.DATAGRAMS_RATE_LIMITED));
            byte[] buffer = new byte[100];
            for (long i = 0; i < answered; i++) {
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                socket.receive(reply);
                assertTrue(new String(buffer, 0, reply.getLength(), StandardCharsets.UTF_8).startsWith("FLOOD "));
            }
        }
    }

    /**
     * The request a forged flood would pick, its reply three times its size, from a source no one exempted: held to
     * --udp-reply-bytes, it gets back less than it sent. Sent in batches the server takes in whole, so that what is
     * measured is the server's answer and not the kernel's drops.
     */
    @Test
    void aFloodFromOneSourceGetsBackFewerBytesThanItSent() throws Exception {
        try (UppercaseServer limited = Servers.start(transport, "--udp-reply-rate-exempt", "");
                DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.2"))) {
            long elapsedNanos = flood(limited, socket, 2_000);
            long in = limited.stats().get(Counter.DATAGRAMS_IN) * (WORST_REQUEST.length + IPV4_UDP_HEADERS);
            long out = limited.stats().get(Counter.DATAGRAMS_OUT) * (WORST_REPLY_BYTES + IPV4_UDP_HEADERS);
            assertTrue(out < in, out + " bytes back for " + in);
            long budget = ServerSettings.Defaults.UDP_REPLY_BYTES;
            long earned = budget * TimeUnit.NANOSECONDS.toMillis(elapsedNanos) / 1_000;
            assertTrue(out <= budget + earned + WORST_REPLY_BYTES, out + " bytes in " + elapsedNanos + " ns");
            assertTrue(limited.stats().get(Counter.DATAGRAMS_BYTES_LIMITED) > 0);
        }
    }

    /** Loopback is exempt by default: the benchmark kit and local clients get every reply. */
    @Test
    void loopbackIsNotHeldToTheReplyBytesByDefault() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.2"))) {
            flood(server, socket, 200); // 845,600 bytes of replies, over three times the default's burst
            assertEquals(200, server.stats().get(Counter.DATAGRAMS_OUT));
            assertEquals(0, server.stats().get(Counter.DATAGRAMS_BYTES_LIMITED));
        }
    }

    /** Sends {@code count} worst requests, never reading a reply; returns when each is answered or dropped. */
    private static long flood(UppercaseServer target, DatagramSocket socket, int count) throws Exception {
        long start = System.nanoTime();
        int batch = 50; // about 115 KB of the kernel's accounting: fits in the server's socket buffer
        for (int sent = 0; sent < count; ) {
            for (int i = 0; i < batch && sent < count; i++, sent++) {
                socket.send(new DatagramPacket(WORST_REQUEST, WORST_REQUEST.length, target.udpAddress()));
            }
            long expected = sent;
            Await.until("the server to take the batch in", () -> target.stats().get(Counter.DATAGRAMS_IN) == expected);
        }
        Await.until("every datagram answered or dropped", () -> target.stats().get(Counter.DATAGRAMS_OUT)
                + target.stats().get(Counter.DATAGRAMS_BYTES_LIMITED) == count);
        return System.nanoTime() - start;
    }
}
