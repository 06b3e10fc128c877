package dev.uppercase.codec.bench;

import dev.uppercase.codec.Uppercase;
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

/** The transform on the inputs that matter: short and long ASCII lines, and text in other scripts. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UppercaseBenchmark {
    @Param({"ascii-32", "ascii-1024", "greek-cyrillic-256"})
    public String input;

    private String[] lines;
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        String alphabet = input.startsWith("ascii") ? "abcdefghijklmnopqrstuvwxyz 0123456789" : "αβγδεζηθικλμνξοπρστυφχψω абвгдежзийклмнопрст";
        int length = Integer.parseInt(input.substring(input.lastIndexOf('-') + 1));
        lines = new String[64]; // different lines, as a server sees: no branch history to lean on
        for (int l = 0; l < lines.length; l++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < length; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            lines[l] = sb.toString();
        }
    }

    @Benchmark
    public String apply() {
        return Uppercase.apply(lines[next++ & 63]);
    }

    @Benchmark
    public String jdkToUpperCase() {
        return lines[next++ & 63].toUpperCase(Locale.ROOT);
    }
}
