package dev.uppercase.codec;

/**
 * The server's error lines, which the client reads too. Each starts with lower-case {@code error:}, so it can never be
 * the upper case of any request: a client can always tell it from an answer.
 */
public final class ErrorReplies {

    /** The reply that takes the place of a line over the limit. */
    public static String lineTooLong(int maxLineLength) {
        return "error: line too long (limit " + maxLineLength + " bytes)\n";
    }

    /** The last line a connection gets when it is closed for sending no complete line for the idle timeout. */
    public static String idleTimeout(long timeoutMillis) {
        return "error: idle timeout (no complete line for " + timeoutMillis + " ms)\n";
    }

    /** The only line a connection gets when the server is already at its connection limit. */
    public static String tooManyConnections(int maxConnections) {
        return "error: too many connections (limit " + maxConnections + ")\n";
    }

    /** The only line a connection gets when its source address already has as many open as one source may. */
    public static String tooManyConnectionsFromSource(int maxPerSource) {
        return "error: too many connections from your address (limit " + maxPerSource + ")\n";
    }

    /**
     * The only line a client gets, in plain text, when it speaks plain text to the TLS listener (nginx answers a
     * plain HTTP request on its HTTPS port the same way): a silent close would leave it guessing.
     */
    public static String tlsRequired() {
        return "error: this port speaks TLS (use a TLS client, or the plain TCP port)\n";
    }

    /**
     * The last line a connection gets when the server, short of the memory its connections may hold together, closes
     * the ones that hold the most (an unfinished long line, replies the client has not read).
     */
    public static String overMemoryBudget() {
        return "error: server short of memory, and this connection holds among the most (closed)\n";
    }

    /**
     * The last line a connection gets when the server fails while serving it (a defect, logged with its cause): it
     * takes the place of the next reply, after every reply already made.
     */
    public static String internalError() {
        return "error: internal error (the server logged it; this connection is closed)\n";
    }

    /** True if {@code replyLine} is one of the server's error lines rather than an answer. */
    public static boolean isErrorReply(String replyLine) {
        return replyLine.startsWith("error: ");
    }

    /** True if {@code replyLine} (with or without its terminator) is the line-too-long error. */
    public static boolean isLineTooLong(String replyLine) {
        return replyLine.startsWith("error: line too long");
    }

    private ErrorReplies() {}
}
