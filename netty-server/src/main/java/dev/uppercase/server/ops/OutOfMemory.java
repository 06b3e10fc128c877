package dev.uppercase.server.ops;

import java.nio.charset.StandardCharsets;

/**
 * What the server does when the JVM runs out of memory anyway (the memory budget keeps connections from getting it
 * there): exits at once with {@link #EXIT_CODE}, the code the JVM's own {@code -XX:+ExitOnOutOfMemoryError} exits with,
 * so that a supervisor restarts it. A server that goes on after an OutOfMemoryError is half alive: an event loop that
 * could not allocate serves nobody, and a stop may never finish. Heap and direct memory alike (the JVM's flag covers
 * only the heap).
 */
public final class OutOfMemory {
    public static final int EXIT_CODE = 3;
    /** Made beforehand: out of memory, even a message may not be allocated. */
    private static final byte[] MESSAGE =
            "uppercase-server: out of memory: exiting\n".getBytes(StandardCharsets.US_ASCII);

    private OutOfMemory() {}

    /** Ends the process if {@code cause} is, or was caused by, an OutOfMemoryError; returns otherwise. */
    public static void exitIf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                // No logging framework, and nothing made now: either may need memory. One line made beforehand, then
                // the halt (no shutdown hooks: a drain would need memory too).
                try {
                    System.err.write(MESSAGE, 0, MESSAGE.length);
                    System.err.flush();
                } finally {
                    Runtime.getRuntime().halt(EXIT_CODE);
                }
            }
        }
    }

    /** The same for any error no handler caught, on any thread. */
    public static void exitOnUncaught() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            exitIf(e);
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                thread.getThreadGroup().uncaughtException(thread, e);
            }
        });
    }
}
