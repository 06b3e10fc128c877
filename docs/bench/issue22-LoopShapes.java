import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

/**
 * Which shapes of an ASCII upper-casing loop Java's auto-vectoriser turns into vector instructions: a rough timer
 * (not JMH), enough to tell a vectorised loop (a few hundredths of a nanosecond a byte) from a scalar one (tenths).
 * Each shape is checked against a plain reference. Run pinned to one core, on each JDK:
 *
 * <pre>
 * java docs/bench/issue22-LoopShapes.java [LENGTH]     # Java 11+ runs a single source file; LENGTH <= 4096
 * </pre>
 */
public class LoopShapes {
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final byte[] FLAGS = new byte[4096];
    /** A length the JIT cannot see as a constant (a constant trip count lets it vectorise what it otherwise would not). */
    static int N = 4096;

    public static void main(String[] args) {
        N = args.length > 0 ? Integer.parseInt(args[0]) : 4093;
        byte[] src = new byte[N];
        Random random = new Random(1);
        for (int i = 0; i < N; i++) {
            src[i] = (byte) random.nextInt(128);
        }
        byte[] expected = new byte[N];
        for (int i = 0; i < N; i++) {
            expected[i] = (byte) (src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
        }
        String[] names = {"a long at a time (SWAR)", "SWAR counting line feeds too", "one pass, xor of a shifted flag",
            "one pass, ternary",
            "two passes, dst indexed apart", "two passes, same index"};
        byte[] dst = new byte[N + 64];
        for (int round = 0; round < 3; round++) {
            for (int shape = 0; shape < names.length; shape++) {
                long start = System.nanoTime();
                int reps = 500_000;
                for (int r = 0; r < reps; r++) {
                    run(shape, src, dst);
                }
                double ns = (System.nanoTime() - start) / (double) reps / N;
                int offset = shape == 4 ? 17 : 0;
                boolean ok = Arrays.equals(expected, 0, N, dst, offset, offset + N);
                if (round == 2) {
                    System.out.printf("%-34s %.3f ns/byte %s%n", names[shape], ns, ok ? "" : "WRONG");
                }
            }
        }
    }

    static void run(int shape, byte[] src, byte[] dst) {
        switch (shape) {
            case 0: swar(src, dst); break;
            case 1: lineFeeds += swarCounting(src, dst); break;
            case 2: onePassXor(src, dst); break;
            case 3: onePassTernary(src, dst); break;
            case 4: twoPassesApart(src, dst, 17); break;
            default: twoPassesSameIndex(src, dst);
        }
    }

    static void swar(byte[] src, byte[] dst) {
        int n = N;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = (long) LONGS.get(src, i);
            long lower = (x + 0x1F1F1F1F1F1F1F1FL) & ~(x + 0x0505050505050505L) & 0x8080808080808080L;
            LONGS.set(dst, i, x ^ lower >>> 2);
        }
        for (; i < n; i++) {
            dst[i] = (byte) (src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
        }
    }

    static int lineFeeds;

    /** The loop the product had: the line feeds counted as it went (a population count per long). */
    static int swarCounting(byte[] src, byte[] dst) {
        int n = N;
        int count = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = (long) LONGS.get(src, i);
            long lower = (x + 0x1F1F1F1F1F1F1F1FL) & ~(x + 0x0505050505050505L) & 0x8080808080808080L;
            LONGS.set(dst, i, x ^ lower >>> 2);
            long z = x ^ 0x0A0A0A0A0A0A0A0AL;
            count += Long.bitCount((z - 0x0101010101010101L) & ~z & 0x8080808080808080L);
        }
        for (; i < n; i++) {
            dst[i] = (byte) (src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
            count += src[i] == '\n' ? 1 : 0;
        }
        return count;
    }

    static void onePassXor(byte[] src, byte[] dst) {
        for (int i = 0; i < N; i++) {
            dst[i] = (byte) (src[i] ^ ((((src[i] + 0x1F) & ~(src[i] + 0x05)) >> 2) & 0x20));
        }
    }

    static void onePassTernary(byte[] src, byte[] dst) {
        for (int i = 0; i < N; i++) {
            byte b = src[i];
            dst[i] = (byte) (b >= 'a' && b <= 'z' ? b - 32 : b);
        }
    }

    /** Two passes as the product makes them, but written into {@code dst} at an offset from {@code src}. */
    static void twoPassesApart(byte[] src, byte[] dst, int offset) {
        for (int i = 0; i < N; i++) {
            dst[offset + i] = (byte) ((src[i] + 0x1F) & ~(src[i] + 0x05) & 0x80);
        }
        for (int i = 0; i < N; i++) {
            dst[offset + i] = (byte) (src[i] + (dst[offset + i] >> 2));
        }
    }

    /** The product's shape: a flag per byte stored, then loaded back and applied, every array indexed alike. */
    static void twoPassesSameIndex(byte[] src, byte[] dst) {
        System.arraycopy(src, 0, dst, 0, N);
        byte[] f = FLAGS;
        for (int i = 0; i < N; i++) {
            f[i] = (byte) ((dst[i] + 0x1F) & ~(dst[i] + 0x05) & 0x80);
        }
        for (int i = 0; i < N; i++) {
            dst[i] = (byte) (dst[i] + (f[i] >> 2));
        }
    }
}
