package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uppercase.codec.Datagrams;
import dev.uppercase.codec.LineFrameDecoder;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import dev.uppercase.testing.UpperCaseReference;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * Valid input that costs the most per byte, at the default limits, over real sockets: each gets its exact answer, and
 * the server goes on answering everyone else. What each kind of input costs is measured in docs/limits.md.
 */
@OnEveryTransport
class CostlyInputTest {
    @Parameter
    Transport transport;

    private static final int MAX_LINE = LineFrameDecoder.DEFAULT_MAX_LINE_LENGTH;
    private static final int MAX_DATAGRAM = Datagrams.MAX_IPV4_PAYLOAD;
    private static UppercaseServer server;

    @BeforeParameterizedClassInvocation
    static void start(Transport transport) throws Exception {
        server = Servers.start(transport);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void aMaximumLengthLineOfSharpSIsAnsweredAndASecondConnectionIsServedAfterIt() throws Exception {
        String line = "ß".repeat(MAX_LINE / 2);
        try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
            assertEquals("SS".repeat(MAX_LINE / 2) + "\n", c.send(line + "\n").readLine());
        }
        try (PlainTcpClient second = new PlainTcpClient(server.tcpAddress())) {
            assertEquals("SECOND\n", second.send("second\n").readLine());
        }
    }

    @Test
    void everyGrowingCodePointRepeatedToTheLineLimitIsItsUpperCaseRepeated() throws Exception {
        try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
            for (int cp : UpperCaseReference.growingCodePoints()) {
                String one = new String(Character.toChars(cp));
                String line = UpperCaseReference.repeatedTo(one, MAX_LINE);
                String expected = UpperCaseReference.upper(one).repeat(line.length() / one.length()) + "\n";
                assertEquals(expected, c.send(line + "\n").readLine(), String.format("U+%04X", cp));
            }
            assertEquals("STILL HERE\n", c.send("still here\n").readLine());
        }
    }

    /**
     * At the datagram limit most growing characters have a reply too large for a datagram: none is sent, and it is
     * counted. Those that fit ({@code ß}: 2 bytes, then {@code SS}) are answered whole.
     */
    @Test
    void everyGrowingCodePointRepeatedToTheDatagramLimitIsAnsweredOrCounted() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] buffer = new byte[65_536];
            for (int cp : UpperCaseReference.growingCodePoints()) {
                byte[] request = UpperCaseReference.repeatedTo(new String(Character.toChars(cp)), MAX_DATAGRAM)
                        .getBytes(StandardCharsets.UTF_8);
                byte[] expected = UpperCaseReference.of(request);
                long tooLarge = server.stats().get(Counter.REPLIES_TOO_LARGE);
                long answered = server.stats().get(Counter.DATAGRAMS_OUT);
                socket.send(new DatagramPacket(request, request.length, server.udpAddress()));
                Await.until(String.format("U+%04X answered or counted", cp),
                        () -> server.stats().get(Counter.REPLIES_TOO_LARGE)
                                + server.stats().get(Counter.DATAGRAMS_OUT) > tooLarge
                                + answered);
                if (expected.length > MAX_DATAGRAM) {
                    assertEquals(tooLarge + 1, server.stats().get(Counter.REPLIES_TOO_LARGE),
                            String.format("U+%04X", cp));
                } else {
                    DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                    socket.setSoTimeout(20_000);
                    socket.receive(reply);
                    assertArrayEquals(expected, Arrays.copyOf(buffer, reply.getLength()), String.format("U+%04X", cp));
                }
            }
        }
        assertEquals("AFTER", UdpServerTest.exchange(server.udpAddress(), "after"));
    }

    /** One read per byte: the most work per byte a client can ask of the framer. */
    @Test
    void aLineAtTheLimitSentOneBytePerWriteIsAnswered() throws Exception {
        byte[] line = ("é".repeat(MAX_LINE / 2) + "\n").getBytes(StandardCharsets.UTF_8);
        try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
            c.socket().setTcpNoDelay(true); // each byte its own segment
            OutputStream out = c.rawOutput();
            for (byte b : line) {
                out.write(b);
            }
            assertEquals("É".repeat(MAX_LINE / 2) + "\n", c.readLine());
        }
    }
}
