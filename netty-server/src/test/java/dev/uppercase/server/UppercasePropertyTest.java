package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.RandomText;
import dev.uppercase.testing.UpperCaseReference;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The property the service exists for, over real sockets: for any valid text, sent in any packet boundaries, the reply
 * is its full upper case (UpperCaseReference: ICU's), line for line. Seeded, so a failure names the seed that
 * reproduces it.
 */
@OnEveryTransport
class UppercasePropertyTest {
    @Parameter
    Transport transport;

    private static UppercaseServer server;

    @BeforeParameterizedClassInvocation
    static void start(Transport transport) throws Exception {
        server = Servers.start(transport);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {101, 102, 103, 104, 105, 106, 107, 108, 109, 110})
    void everyLineIsAnsweredWithItsUpperCaseWhateverThePacketBoundaries(long seed) throws Exception {
        Random random = new Random(seed);
        for (int round = 0; round < 10; round++) {
            List<String> lines = new ArrayList<>();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int count = 1 + random.nextInt(200);
            for (int i = 0; i < count; i++) {
                String line = RandomText.line(random, 80) + (random.nextBoolean() ? "\n" : "\r\n");
                lines.add(line);
                stream.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            }
            byte[] bytes = stream.toByteArray();
            try (PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
                OutputStream out = c.rawOutput();
                for (int at = 0; at < bytes.length; ) {
                    int size = 1 + random.nextInt(Math.min(bytes.length - at, random.nextBoolean() ? 4 : 3000));
                    out.write(bytes, at, size);
                    out.flush();
                    at += size;
                }
                for (String line : lines) {
                    assertEquals(UpperCaseReference.upper(line), c.readLine(), "seed " + seed + ", round " + round);
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {201, 202, 203, 204, 205})
    void everyDatagramIsAnsweredWithItsUpperCase(long seed) throws Exception {
        Random random = new Random(seed);
        for (int i = 0; i < 40; i++) {
            String text = RandomText.line(random, random.nextBoolean() ? 20 : 2000);
            assertEquals(UpperCaseReference.upper(text), UdpServerTest.exchange(server.udpAddress(), text), "seed "
                    + seed);
        }
    }
}
