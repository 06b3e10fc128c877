package dev.uppercase.server;

/** The server could not start; the message says what failed and why, in one line. */
public final class ServerStartException extends Exception {
    private static final long serialVersionUID = 1L;

    ServerStartException(String message) {
        super(message);
    }
}
