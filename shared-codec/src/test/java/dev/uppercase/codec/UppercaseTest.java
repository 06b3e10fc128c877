package dev.uppercase.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.testing.RandomText;
import dev.uppercase.testing.UpperCaseReference;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UppercaseTest {

    private Locale saved;

    @BeforeEach
    void saveLocale() {
        saved = Locale.getDefault();
    }

    @AfterEach
    void restoreLocale() {
        Locale.setDefault(saved);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "hello world|HELLO WORLD",
                "istanbul|ISTANBUL",
                "straße|STRASSE",
                "ŉ|ʼN",
                "\u0390|\u0399\u0308\u0301",
                "καλημέρα κόσμε|ΚΑΛΗΜΈΡΑ ΚΌΣΜΕ",
                "привет, мир|ПРИВЕТ, МИР",
                "𐐨𐐯𐑅|𐐀𐐇𐐝",
                "emoji 😀 stay|EMOJI 😀 STAY",
                "mixed: ß, é, ж, ω, 𐐨|MIXED: SS, É, Ж, Ω, 𐐀",
                "ﬃ ligature|FFI LIGATURE",
                "already UPPER 123 !?|ALREADY UPPER 123 !?",
            })
    void mapsInFullIndependentOfLocale(String input, String expected) {
        for (Locale locale : new Locale[] {Locale.ROOT, new Locale("tr", "TR"), new Locale("az"), new Locale("lt")}) {
            Locale.setDefault(locale);
            assertEquals(expected, Uppercase.apply(input), "under default locale " + locale);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ΐ", "ΰ"})
    void theLongestExpansionsAreThreeTimesTheBytes(String input) {
        String upper = Uppercase.apply(input);
        assertEquals(3, upper.codePointCount(0, upper.length()));
        assertEquals(3 * input.getBytes(Uppercase.CHARSET).length, upper.getBytes(Uppercase.CHARSET).length);
    }

    /**
     * The amplification bound a UDP reflector has to document: no reply is more than three times its request in bytes.
     * Upper case maps each code point on its own (no context rules under Locale.ROOT), and each maximal invalid
     * subsequence, one byte at the least, becomes one U+FFFD of three bytes; so checking every code point and one bad
     * byte proves it for every input.
     */
    @Test
    void noInputGrowsMoreThanThreeTimesInBytes() {
        int worst = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue; // not encodable in UTF-8: arrives only as invalid bytes
            }
            String in = new String(Character.toChars(cp));
            int ratio = 100 * Uppercase.apply(in).getBytes(Uppercase.CHARSET).length
                    / in.getBytes(Uppercase.CHARSET).length;
            worst = Math.max(worst, ratio);
        }
        assertEquals(300, worst, "largest growth of one code point, in percent");
        String replaced = new String(new byte[] {(byte) 0xFF}, Uppercase.CHARSET);
        assertEquals(3, Uppercase.apply(replaced).getBytes(Uppercase.CHARSET).length, "one bad byte");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "\r\n", "\0\t\u001b\u007f", "\uFFFD"})
    void leavesControlsTerminatorsAndReplacementAlone(String input) {
        assertEquals(input, Uppercase.apply(input));
    }

    /** Every code point, alone, surrogates included (a lone one is text no decoder makes, sent as {@code ?}). */
    @Test
    void everyCodePointAloneIsUnicodes17UpperCase() {
        List<String> wrong = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String in = new String(Character.toChars(cp));
            if (!Arrays.equals(UpperCaseReference.wholeString(in), Uppercase.toUtf8(in)) && wrong.size() < 10) {
                wrong.add(String.format("U+%04X", cp));
            }
        }
        assertEquals(List.of(), wrong);
    }

    /**
     * The JDK's own toUpperCase, whose Unicode is older (Java 17: 13.0; 25: 16.0), differs from 17.0 only where a
     * newer Unicode added a character: the code point or its upper case is one this JDK does not know.
     */
    @Test
    void theJdkDiffersOnlyWhereANewerUnicodeAddedACharacter() {
        List<String> unexplained = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue; // not characters: a lone surrogate is answered '?', as the JDK's encoder writes it
            }
            String in = new String(Character.toChars(cp));
            String ours = Uppercase.apply(in);
            if (!ours.equals(in.toUpperCase(Locale.ROOT)) && Character.isDefined(cp)
                    && ours.codePoints().allMatch(Character::isDefined) && unexplained.size() < 10) {
                unexplained.add(String.format("U+%04X", cp));
            }
        }
        assertEquals(List.of(), unexplained, "Java " + Runtime.version().feature());
    }

    /**
     * Every code point the mapping changes, repeated to the line limit and to the datagram limit: its upper case,
     * repeated (a character's upper case never depends on its neighbours, so this holds for every other one too).
     */
    @Test
    void everyChangingCodePointRepeatedToTheLimitsIsItsUpperCaseRepeated() {
        int[] changing = UpperCaseReference.changingCodePoints();
        assertTrue(changing.length > 1_500, changing.length + " code points change");
        for (int cp : changing) {
            String one = new String(Character.toChars(cp));
            byte[] upper = UpperCaseReference.of(one);
            for (int limit : new int[] {LineFrameDecoder.DEFAULT_MAX_LINE_LENGTH, Datagrams.MAX_IPV4_PAYLOAD}) {
                String text = UpperCaseReference.repeatedTo(one, limit);
                int times = text.length() / one.length();
                byte[] expected = new byte[upper.length * times];
                for (int k = 0; k < times; k++) {
                    System.arraycopy(upper, 0, expected, k * upper.length, upper.length);
                }
                assertArrayEquals(expected, Uppercase.toUtf8(text), String.format("U+%04X to %d bytes", cp, limit));
            }
        }
    }

    /** Upper-casing has no context rules under the root locale: the whole-string answer is the per-character one. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void mixedTextIsItsUpperCaseWholeAndPerCharacter(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 500; i++) {
            String text = RandomText.line(random, 300);
            byte[] expected = UpperCaseReference.wholeString(text);
            assertArrayEquals(expected, UpperCaseReference.of(text), "per character, seed " + seed);
            assertArrayEquals(expected, Uppercase.toUtf8(text), "seed " + seed);
        }
    }

    /** Text is encoded in blocks: a surrogate pair across a block's edge, and lone surrogates on either side of it. */
    @ParameterizedTest(name = "{0} ASCII characters first")
    @ValueSource(ints = {4094, 4095, 4096, 8191})
    void pairsAndLoneSurrogatesAtABlockEdge(int before) {
        String text = "a".repeat(before) + "😀𐐨\uD800x\uDC00" + "ß".repeat(5000) + "\uD83D";
        assertArrayEquals(UpperCaseReference.wholeString(text), Uppercase.toUtf8(text));
    }

    /**
     * Long ASCII lines are upper-cased in vectorised blocks of 4096 bytes: every ASCII character, at every offset in
     * a vector of up to 64 bytes, and across a block's end.
     */
    @ParameterizedTest(name = "{0} characters first")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 15, 31, 63, 64, 4000, 4095, 4096, 4097, 8191})
    void everyAsciiCharacterInALongLineAtEveryAlignment(int before) {
        StringBuilder ascii = new StringBuilder("z".repeat(before));
        for (int round = 0; round < 3; round++) {
            for (char c = 0; c < 0x80; c++) {
                ascii.append(c);
            }
        }
        String text = ascii.toString();
        assertArrayEquals(UpperCaseReference.wholeString(text), Uppercase.toUtf8(text));
        String notAscii = text + "é"; // long, starts in ASCII, is not: the character path answers it
        assertArrayEquals(UpperCaseReference.wholeString(notAscii), Uppercase.toUtf8(notAscii));
    }

    /** A frame of lines is written as any text and counted: its line feeds, and a last line without one. */
    @ParameterizedTest(name = "{1} lines")
    @CsvSource(delimiter = '|', value = {
        "''|0", "a|1", "\\n|1", "a\\nb\\n|2", "a\\r\\nb|2", "\\n\\n\\n|3", "é\\nß\\n😀|3",
    })
    void writesAFrameOfLinesAndCountsThem(String escaped, int lines) {
        String text = escaped.replace("\\n", "\n").replace("\\r", "\r");
        assertLinesWrittenAndCounted(text, lines);
    }

    /** Frames are counted by the JDK's vectorised search: a line feed in every position, and in the tail. */
    @Test
    void countsTheLinesOfLongAsciiFramesInEveryPosition() {
        for (int length = 1; length <= 40; length++) {
            String line = "x".repeat(length - 1) + "\n";
            assertLinesWrittenAndCounted(line.repeat(300 / length + 5), 300 / length + 5);
            assertLinesWrittenAndCounted(line.repeat(300 / length + 5) + "partial", 300 / length + 6);
        }
    }

    private static void assertLinesWrittenAndCounted(String text, int lines) {
        ByteBuf out = Unpooled.buffer();
        try {
            assertEquals(lines, Uppercase.writeLines(out, text));
            assertArrayEquals(UpperCaseReference.wholeString(text), ByteBufUtil.getBytes(out));
        } finally {
            out.release();
        }
    }

    /** Any buffer takes the answer: heap ones are written in place, direct ones through a copy. */
    @Test
    void writesTheSameBytesIntoHeapAndDirectBuffers() {
        String text = "straße ΐ 😀 ".repeat(3000);
        ByteBuf heap = Unpooled.buffer(1);
        ByteBuf direct = Unpooled.directBuffer(1);
        try {
            heap.writeByte('>');
            direct.writeByte('>');
            int written = Uppercase.writeUtf8(heap, text);
            assertEquals(written, Uppercase.writeUtf8(direct, text));
            assertEquals(heap, direct);
            assertArrayEquals(UpperCaseReference.wholeString(">" + text), ByteBufUtil.getBytes(heap));
        } finally {
            heap.release();
            direct.release();
        }
    }

    /** Replies are direct buffers: long ASCII, short ASCII and other text land in one the same as in a heap one. */
    @ParameterizedTest
    @ValueSource(strings = {"a", "hello, world", "long ascii lines"})
    void writesEveryKindOfTextIntoADirectBuffer(String kind) {
        String text = kind.length() == 1 ? "é€😀ß".repeat(2000) : kind.repeat(kind.startsWith("long") ? 1000 : 1);
        ByteBuf direct = Unpooled.directBuffer(1);
        try {
            byte[] expected = UpperCaseReference.wholeString(text);
            assertEquals(expected.length, Uppercase.writeUtf8(direct, text));
            assertArrayEquals(expected, ByteBufUtil.getBytes(direct));
        } finally {
            direct.release();
        }
    }

}
