package dev.uppercase.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Utf8Test {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'', 0",
        "61 62, 2",
        "61 c3, 1", // é cut after its lead byte
        "61 c3 a9, 3",
        "e2 82, 0", // € missing its last byte
        "e2 82 ac, 3",
        "61 f0 9f 98, 1", // emoji missing one byte
        "f0 9f 98 80, 4",
        "80 80, 2", // lone continuation bytes are invalid, not incomplete
        "61 ff, 2",
        "c0, 1", // never a valid lead
    })
    void completePrefixHoldsBackOnlyAnIncompleteTrailingCharacter(String hex, int expected) {
        ByteBuf buf = Unpooled.buffer();
        for (String b : hex.isEmpty() ? new String[0] : hex.split(" ")) {
            buf.writeByte(Integer.parseInt(b, 16));
        }
        try {
            assertEquals(expected, Utf8.completePrefixLength(buf));
        } finally {
            buf.release();
        }
    }
}
