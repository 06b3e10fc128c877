package dev.uppercase.client;

/** The client's exit codes: each failure a script may want to tell apart has its own. */
public final class ExitCodes {
    public static final int OK = 0;
    /** An I/O error not covered below (standard input or output failed, for example). */
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int CANNOT_CONNECT = 3;
    /** No reply in time: a UDP line after every try, or a TCP server silent for the reply timeout. */
    public static final int TIMEOUT = 4;
    /** The server closed the connection before every reply had arrived. */
    public static final int CLOSED_EARLY = 5;
    /** Some lines got no answer by the protocol's own rules: too long for the server, or too large for a datagram. */
    public static final int LINES_REFUSED = 6;

    private ExitCodes() {}
}
