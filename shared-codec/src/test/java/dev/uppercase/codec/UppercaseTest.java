package dev.uppercase.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
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
            int ratio = 100 * Uppercase.apply(in).getBytes(Uppercase.CHARSET).length / in.getBytes(Uppercase.CHARSET).length;
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
}
