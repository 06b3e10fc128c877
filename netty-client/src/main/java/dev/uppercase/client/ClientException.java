package dev.uppercase.client;

/** An expected failure: one line for the user, and the exit code that names its kind. */
final class ClientException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    ClientException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    ClientException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
