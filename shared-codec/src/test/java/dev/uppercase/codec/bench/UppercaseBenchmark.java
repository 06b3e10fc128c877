package dev.uppercase.codec.bench;

import dev.uppercase.codec.Uppercase;
import dev.uppercase.testing.UpperCaseReference;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The transform's cost for every kind of text a client can send, at a short line and at the line limit: divide the
 * score by {@code size} for the cost per byte of request. Scripts are drawn at random (seeded) from their alphabets;
 * each growing character (one whose upper case is longer) is repeated, the worst case for a per-character cost.
 * {@code jdkToUpperCase} is what the transform was before: {@code String.toUpperCase(Locale.ROOT)}, then UTF-8 (run it
 * at 1 KiB only: at the limit a growing character takes it seconds per line).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UppercaseBenchmark {
    @Param({"ascii", "latin-accented", "greek-cyrillic", "cjk", "emoji", "invalid-utf8", "all-growing",
        "ß", "ŉ", "ǰ", "ΐ", "ᾳ", "ﬃ", "և", "ẖ", "ﬓ"})
    public String text;

    /** Bytes of request text (UTF-8), at most: a short line, and the default line limit. */
    @Param({"1024", "65536"})
    public int size;

    private String line;
    private ByteBuf out;

    @Setup
    public void setUp() {
        line = line(text, size);
        out = Unpooled.buffer(Uppercase.toUtf8(line).length);
    }

    /** A request of at most {@code bytes} UTF-8 bytes of the named kind of text. */
    static String line(String kind, int bytes) {
        String alphabet;
        switch (kind) {
            case "ascii":
                alphabet = "abcdefghijklmnopqrstuvwxyz 0123456789,.";
                break;
            case "latin-accented":
                alphabet = "aàâäbcçdeéèêëfghiîïjklmnoôöpqrstuùûüvwxyÿzáíóúñãõąćęłńśźżčďěňřšťůž ";
                break;
            case "greek-cyrillic":
                alphabet = "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ абвгдежзийклмнопрстуфхцчшщъыьэюя";
                break;
            case "cjk":
                alphabet = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可";
                break;
            case "emoji":
                alphabet = "😀😃😄😁😆😅😂🤣😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛😝😜🤪🤨🧐🤓😎🤩🥳 ";
                break;
            case "invalid-utf8": // what a run of bytes that are not UTF-8 decodes to
                alphabet = "\uFFFD";
                break;
            case "all-growing":
                int[] growing = UpperCaseReference.growingCodePoints();
                alphabet = new String(growing, 0, growing.length);
                break;
            default:
                alphabet = kind;
        }
        int[] codePoints = alphabet.codePoints().toArray();
        Random random = new Random(1);
        StringBuilder sb = new StringBuilder();
        int used = 0;
        while (true) {
            int cp = codePoints.length == 1 ? codePoints[0] : codePoints[random.nextInt(codePoints.length)];
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + n > bytes) {
                return sb.toString();
            }
            sb.appendCodePoint(cp);
            used += n;
        }
    }

    @Benchmark
    public int writeUtf8() {
        out.clear();
        return Uppercase.writeUtf8(out, line);
    }

    @Benchmark
    public byte[] jdkToUpperCase() {
        return line.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }
}
