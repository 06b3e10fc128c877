package dev.uppercase.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.uppercase.testing.RandomText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** For any text and any packet boundaries, the framer gives back exactly the lines that were sent. */
class LineFrameDecoderPropertyTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void linesComeBackWholeWhateverThePacketBoundaries(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 50; round++) {
            List<String> lines = new ArrayList<>();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int count = 1 + random.nextInt(40);
            for (int i = 0; i < count; i++) {
                String line = RandomText.line(random, 60) + (random.nextBoolean() ? "\n" : "\r\n");
                lines.add(line);
                stream.writeBytes(line.getBytes(Uppercase.CHARSET));
            }
            byte[] bytes = stream.toByteArray();
            EmbeddedChannel ch = new EmbeddedChannel(new LineFrameDecoder(64 * 1024, Duration.ZERO));
            for (int at = 0; at < bytes.length; ) {
                int size = 1 + random.nextInt(Math.min(bytes.length - at, random.nextBoolean() ? 3 : 200));
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, size));
                at += size;
            }
            for (String expected : lines) {
                ByteBuf frame = ch.readInbound();
                try {
                    assertEquals(expected, frame.toString(Uppercase.CHARSET), "seed " + seed + " round " + round);
                } finally {
                    frame.release();
                }
            }
            assertFalse(ch.finishAndReleaseAll());
        }
    }
}
