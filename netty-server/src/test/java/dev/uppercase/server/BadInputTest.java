package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.UpperCaseReference;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus, over TCP and UDP: each input gets its documented answer, and the server answers a normal
 * client afterwards. The documented answer for any bytes is the upper case of their UTF-8 decoding with U+FFFD for
 * each invalid sequence, the terminators kept (TCP); computed here with the JDK, independently of the server.
 * Costly input (the most work per byte the server can be asked for) is bad input too, and is in the corpus.
 */
@OnEveryTransport
class BadInputTest {
    @Parameter
    Transport transport;

    private static final int MAX_LINE = 4096;
    private static UppercaseServer server;

    @BeforeParameterizedClassInvocation
    static void start(Transport transport) throws Exception {
        server = Servers.start(transport, "--max-line-length", "" + MAX_LINE, "--quiet-period", "0");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    static Stream<Arguments> corpus() {
        Random random = new Random(20261125);
        byte[] binary = new byte[3000];
        random.nextBytes(binary);
        return Stream.of(
                Arguments.of("lone continuation bytes", hex("80 bf 80")),
                Arguments.of("overlong slash", hex("c0 af")),
                Arguments.of("overlong NUL", hex("e0 80 80")),
                Arguments.of("encoded surrogate", hex("ed a0 80")),
                Arguments.of("code point over U+10FFFF", hex("f4 90 80 80")),
                Arguments.of("truncated sequence at end of line", hex("61 62 e2 82")),
                Arguments.of("truncated 4-byte sequence at end", hex("f0 9f 98")),
                Arguments.of("bytes that never appear in UTF-8", hex("fe ff c1 f5")),
                Arguments.of("NUL and control bytes", hex("00 01 07 08 1b 7f 61")),
                Arguments.of("a BOM then text", hex("ef bb bf 68 69")),
                Arguments.of("a lone carriage return inside", hex("61 0d 62")),
                Arguments.of("an empty line", new byte[0]),
                Arguments.of("a line at the limit", "é".repeat(MAX_LINE / 2).getBytes(StandardCharsets.UTF_8)),
                Arguments.of("random binary without newlines", withoutNewlines(binary)),
                // Costly input: valid text, or bytes, that ask the most work per byte (docs/limits.md, "Input cost").
                Arguments.of("ß to the limit: a growing character, which the JDK paid for in the square of the count",
                        utf8(UpperCaseReference.repeatedTo("ß", MAX_LINE))),
                Arguments.of("ΐ to the limit: the largest growth, 2 bytes in, 6 out",
                        utf8(UpperCaseReference.repeatedTo("ΐ", MAX_LINE))),
                Arguments.of("every growing character, over and over to the limit",
                        utf8(UpperCaseReference.repeatedTo(codePoints(UpperCaseReference.growingCodePoints()),
                                MAX_LINE))),
                Arguments.of("bytes that are not UTF-8, to the limit: each a 3-byte U+FFFD", bytes(MAX_LINE, 0xFF)),
                Arguments.of("ASCII and accented letters alternating: a new branch every character",
                        utf8(UpperCaseReference.repeatedTo("aé", MAX_LINE))),
                Arguments.of("emoji to the limit: surrogate pairs, the slowest characters per byte",
                        utf8(UpperCaseReference.repeatedTo("😀", MAX_LINE))));
    }

    @ParameterizedTest(name = "TCP: {0}")
    @MethodSource("corpus")
    void tcpAnswersEachBadLineAsDocumentedAndKeepsServing(String name, byte[] line) throws Exception {
        try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
            c.send(concat(line, "\n".getBytes(StandardCharsets.UTF_8)));
            assertArrayEquals(concat(documentedReply(line), new byte[] {'\n'}), c.readLineBytes(), name);
            assertEquals("STILL FINE\n", c.send("still fine\n").readLine());
        }
        assertNormalClientServed();
    }

    @ParameterizedTest(name = "UDP: {0}")
    @MethodSource("corpus")
    void udpAnswersEachBadDatagramAsDocumentedAndKeepsServing(String name, byte[] datagram) throws Exception {
        assertArrayEquals(documentedReply(datagram), UdpServerTest.exchange(server.udpAddress(), datagram, 10_000),
                name);
        assertEquals("STILL FINE", UdpServerTest.exchange(server.udpAddress(), "still fine"));
    }

    @ParameterizedTest(name = "TCP, over the limit: {0}")
    @MethodSource("corpus")
    void tcpAnswersAnyLineOverTheLimitWithTheErrorLine(String name, byte[] line) throws Exception {
        byte[] padded = concat(line, "x".repeat(MAX_LINE + 1).getBytes(StandardCharsets.UTF_8));
        try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
            c.send(concat(padded, "\r\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(ErrorReplies.lineTooLong(MAX_LINE), c.readLine(), name);
            assertEquals("NEXT\r\n", c.send("next\r\n").readLine());
        }
    }

    private static void assertNormalClientServed() throws Exception {
        try (PlainTcpClient normal = new PlainTcpClient(server.tcpAddress())) {
            assertEquals("NORMAL\n", normal.send("normal\n").readLine());
        }
    }

    static byte[] documentedReply(byte[] request) {
        return UpperCaseReference.of(request);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String codePoints(int[] codePoints) {
        return new String(codePoints, 0, codePoints.length);
    }

    private static byte[] bytes(int n, int value) {
        byte[] bytes = new byte[n];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] withoutNewlines(byte[] bytes) {
        byte[] copy = bytes.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == '\n') {
                copy[i] = ' ';
            }
        }
        return copy;
    }

    static byte[] hex(String hex) {
        String[] parts = hex.split(" ");
        byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
