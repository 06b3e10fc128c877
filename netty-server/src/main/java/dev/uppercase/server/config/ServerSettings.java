package dev.uppercase.server.config;

import dev.uppercase.server.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the server can be told, in one immutable record: built once at startup by {@link ServerCommandLine} from
 * flags and {@code UPPERCASE_*} environment variables, validated, then handed to the initializers.
 *
 * @param bind address to listen on; {@code null} for every interface, IPv4 and IPv6
 * @param tcpPort TCP port (0: any free port)
 * @param udpPort UDP port (0: any free port)
 * @param maxLineLength longest request line in bytes, not counting its terminator
 * @param quietPeriod how long a partial line may wait for more bytes before it is answered as it is; zero: forever
 * @param maxDatagramSize largest request and reply datagram, in bytes
 * @param udpReceiveBuffer bytes of datagrams the kernel may queue for each UDP socket (SO_RCVBUF); 0: its default
 * @param drainTimeout how long a stop waits for replies to reach clients before it closes them
 * @param maxConnections most TCP connections open at once; one more is told so and closed
 * @param idleTimeout a connection that sends no complete line for this long is closed; zero: never
 * @param writeBufferSize reply bytes queued for a connection at which it stops being read (its high watermark)
 * @param transport the I/O transport; AUTO picks the fastest available
 * @param addressFilter which sources may connect or send datagrams
 * @param metricsPort the HTTP port for /metrics and /health; null: no HTTP endpoint
 * @param tls the TLS listener; null: none
 * @param udpReplyRate most UDP replies per second to one source address (a second's worth at once); 0: no limit
 * @param log how and how much the server logs
 */
public record ServerSettings(
        InetAddress bind,
        int tcpPort,
        int udpPort,
        int maxLineLength,
        Duration quietPeriod,
        int maxDatagramSize,
        int udpReceiveBuffer,
        Duration drainTimeout,
        int maxConnections,
        Duration idleTimeout,
        int writeBufferSize,
        Transport transport,
        AddressFilter addressFilter,
        Integer metricsPort,
        TlsSettings tls,
        int udpReplyRate,
        LogSettings log) {

    /**
     * The TLS listener: the same line protocol as plain TCP, behind a TLS 1.2+ handshake.
     *
     * @param port TCP port of the TLS listener (0: any free port)
     * @param cert the certificate chain, PEM
     * @param key its private key, PEM, unencrypted PKCS#8
     * @param clientCa when set, clients must present a certificate signed by one of these (PEM); null: no client auth
     * @param handshakeTimeout a connection that has not finished its handshake by then is closed
     */
    public record TlsSettings(int port, Path cert, Path key, Path clientCa, Duration handshakeTimeout) {}

    /**
     * @param level the root level: TRACE, DEBUG, INFO, WARN, ERROR or OFF (Netty's own loggers stay at WARN)
     * @param format the built-in configuration to use
     * @param config a logback configuration file to use instead of the built-in ones; null: built-in
     */
    public record LogSettings(String level, LogFormat format, Path config) {}

    /** How the built-in log configurations write a line. */
    public enum LogFormat {
        TEXT, JSON
    }

    public InetSocketAddress tcpAddress() {
        return address(tcpPort);
    }

    public InetSocketAddress metricsAddress() {
        return address(metricsPort);
    }

    /** The TLS listener's address; call only when {@link #tls()} is set. */
    public InetSocketAddress tlsAddress() {
        return address(tls.port());
    }

    public InetSocketAddress udpAddress() {
        return address(udpPort);
    }

    private InetSocketAddress address(int port) {
        return bind == null ? new InetSocketAddress(port) : new InetSocketAddress(bind, port);
    }
}
