package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uppercase.codec.Uppercase;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.UpperCaseReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * Every Unicode scalar value through the running server, over TCP and over UDP: each reply is Unicode 17.0's full upper
 * case (ICU's, in UpperCaseReference), whatever JDK runs the server. Also run on Temurin 25 by the build, where one is
 * installed (the parent pom's profile "second-jdk"), so both JDKs are shown to answer the same.
 */
@OnEveryTransport
class EveryCodePointTest {
    /** Code points per line or datagram: at most 4,000 bytes in, 12,000 out. */
    private static final int PER_MESSAGE = 1_000;

    @Parameter
    Transport transport;

    private final ServerWithClients fixture = new ServerWithClients();

    @AfterEach
    void close() throws IOException {
        fixture.close();
    }

    /** Every scalar value but the two line terminators, a message's worth at a time. */
    private static List<String> messages() {
        int[] points = IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
                .filter(cp -> cp != '\n' && cp != '\r').toArray();
        List<String> messages = new ArrayList<>();
        for (int from = 0; from < points.length; from += PER_MESSAGE) {
            messages.add(new String(points, from, Math.min(PER_MESSAGE, points.length - from)));
        }
        return messages;
    }

    @Test
    void overTcpEveryCodePointIsUnicodesUpperCase() throws Exception {
        List<String> lines = messages();
        fixture.start(transport);
        try (PlainTcpClient c = fixture.connect()) {
            // Written while the replies are read: a client that wrote it all first would be held back by the server.
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    for (String line : lines) {
                        c.rawOutput().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                    c.rawOutput().flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            for (String line : lines) {
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                expected.writeBytes(UpperCaseReference.of(line));
                expected.write('\n');
                assertArrayEquals(expected.toByteArray(), c.readLineBytes(), "from U+"
                        + Integer.toHexString(line.codePointAt(0)) + ", Unicode " + Uppercase.UNICODE_VERSION);
            }
            written.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void overUdpEveryCodePointIsUnicodesUpperCase() throws Exception {
        UppercaseServer server = fixture.start(transport);
        for (String datagram : messages()) {
            byte[] request = datagram.getBytes(StandardCharsets.UTF_8);
            byte[] reply = null;
            for (int attempt = 0; attempt < 10 && reply == null; attempt++) {
                try {
                    reply = UdpServerTest.exchange(server.udpAddress(), request, 2_000);
                } catch (SocketTimeoutException lost) {
                    // UDP's own loss: send again
                }
            }
            assertArrayEquals(UpperCaseReference.of(datagram), reply, "from U+"
                    + Integer.toHexString(datagram.codePointAt(0)));
        }
        assertEquals("17.0", Uppercase.UNICODE_VERSION);
    }
}
