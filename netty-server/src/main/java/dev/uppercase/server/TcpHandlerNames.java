package dev.uppercase.server;

/**
 * The name of every handler a TCP connection's pipeline can hold, in the order bytes pass them; each is added under
 * its name by {@link TcpServerInitializer} (or later, by the class named), and found by it from anywhere else.
 *
 * <pre>
 * filter        AddressFilterHandler     a source --allow/--deny refuses: closed unanswered (and nothing else added)
 * drain         DrainHandler             added first when the server stops: discards what the client still sends
 * tls-required  TlsRequiredHandler       TLS listener: plain text gets one error line
 * ssl           SslHandler               TLS listener
 * tls-session   TlsSessionHandler        TLS listener: logs the session, counts failed handshakes
 * bytes         ByteCounter              bytes in and out
 * backpressure  BackpressureHandler      added by UppercaseHandler once the client first falls behind
 * framer        LineFrameDecoder         lines, the limit, partial lines
 * decoder       StringDecoder            UTF-8
 * uppercase     UppercaseHandler         the replies, the idle clock
 * </pre>
 */
final class TcpHandlerNames {
    static final String FILTER = "filter";
    static final String DRAIN = "drain";
    static final String TLS_REQUIRED = "tls-required";
    static final String SSL = "ssl";
    static final String TLS_SESSION = "tls-session";
    static final String BYTES = "bytes";
    static final String BACKPRESSURE = "backpressure";
    static final String FRAMER = "framer";
    static final String DECODER = "decoder";
    static final String UPPERCASE = "uppercase";

    private TcpHandlerNames() {}
}
