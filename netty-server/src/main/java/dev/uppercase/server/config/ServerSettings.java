package dev.uppercase.server.config;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.uppercase.cli.Durations;
import dev.uppercase.cli.Ports;
import dev.uppercase.codec.Datagrams;
import dev.uppercase.codec.LineFrameDecoder;
import dev.uppercase.server.transport.Transport;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the server can be told, in one immutable record, handed to the initializers. {@link #builder()} makes
 * one from the defaults (for tests and for code that embeds the server); {@link ServerCommandLine} fills that builder
 * from flags and {@code UPPERCASE_*} environment variables, checking each value on the way. The builder takes what it
 * is given: the ranges are the command line's to check.
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
 * @param maxConnectionsPerSource most TCP connections open at once from one source address (IPv6: one /64); 0: no
 *     limit
 * @param perSourceExempt sources not held to maxConnectionsPerSource
 * @param memoryBudget bytes all TCP connections together may make the server hold (partial lines, held reads, queued
 *     replies); past it, those holding the most are closed
 * @param idleTimeout a connection that sends no complete line for this long is closed; zero: never
 * @param lingerTimeout how long a connection the server closes keeps reading and discarding input after its last line
 * @param writeBufferSize reply bytes queued for a connection at which it stops being read (its high watermark)
 * @param transport the I/O transport; AUTO picks the fastest available
 * @param addressFilter which sources may connect or send datagrams
 * @param metricsPort the HTTP port for /metrics and /health; null: no HTTP endpoint
 * @param http the HTTP endpoint's own limits
 * @param tls the TLS listener; null: none
 * @param udpReplyRate most UDP replies per second to one source address (a second's worth at once); 0: no limit
 * @param udpReplyBytes most UDP reply bytes per second to one source address (a second's worth at once); 0: no limit
 * @param udpReplyExempt sources held to neither udpReplyRate nor udpReplyBytes
 * @param proxyProtocolFrom proxies whose connections begin with a PROXY protocol header naming the client
 * @param proxyProtocolTimeout how long a connection from a listed proxy may take to send its header
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
        int maxConnectionsPerSource,
        AddressRanges perSourceExempt,
        long memoryBudget,
        Duration idleTimeout,
        Duration lingerTimeout,
        int writeBufferSize,
        Transport transport,
        AddressFilter addressFilter,
        Integer metricsPort,
        HttpLimits http,
        TlsSettings tls,
        int udpReplyRate,
        long udpReplyBytes,
        AddressRanges udpReplyExempt,
        AddressRanges proxyProtocolFrom,
        Duration proxyProtocolTimeout,
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
     * The HTTP endpoint's limits: a small server of its own, for scrapers and health checks.
     *
     * @param maxConnections most connections to it open at once; one more is answered 503 and closed
     * @param requestTimeout a request must have arrived whole this long after its first byte, or it is answered 408
     * @param idleTimeout a connection with no byte in or out for this long is closed
     * @param maxHeaderSize longest request line, and most bytes of headers; longer is answered 414 or 431
     */
    public record HttpLimits(int maxConnections, Duration requestTimeout, Duration idleTimeout, int maxHeaderSize) {}

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

    /**
     * The defaults, once: as the command line writes them (its annotations and --help take these) and as
     * {@link #builder()} starts from them.
     */
    public static final class Defaults {
        public static final int PORT = Ports.DEFAULT;
        public static final int MAX_LINE_LENGTH = LineFrameDecoder.DEFAULT_MAX_LINE_LENGTH;
        public static final String QUIET_PERIOD = "200ms";
        public static final int MAX_DATAGRAM_SIZE = Datagrams.MAX_IPV4_PAYLOAD;
        public static final int UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;
        public static final String DRAIN_TIMEOUT = "5s";
        public static final String IDLE_TIMEOUT = "5m";
        public static final String LINGER_TIMEOUT = "2s";
        public static final int WRITE_BUFFER_SIZE = 64 * 1024;
        public static final String TRANSPORT = "auto";
        public static final int UDP_REPLY_RATE = 0;
        public static final int MAX_CONNECTIONS_PER_SOURCE = 100;
        public static final String PER_SOURCE_EXEMPT = AddressRanges.LOOPBACK;
        public static final long UDP_REPLY_BYTES = 256 * 1024;
        public static final String UDP_REPLY_EXEMPT = AddressRanges.LOOPBACK;
        public static final String PROXY_PROTOCOL_TIMEOUT = "5s";
        public static final String LOG_LEVEL = "info";
        public static final String LOG_FORMAT = "text";
        public static final String TLS_HANDSHAKE_TIMEOUT = "10s";
        public static final int HTTP_MAX_CONNECTIONS = 16;
        public static final String HTTP_REQUEST_TIMEOUT = "10s";
        public static final String HTTP_IDLE_TIMEOUT = "60s";
        public static final int HTTP_MAX_HEADER_SIZE = 8192;

        private Defaults() {}

        /**
         * A quarter of the smaller of the JVM's heap and direct-memory limits (partial lines are held on the heap,
         * held reads and queued replies in direct memory), leaving the rest for everything else.
         */
        public static long memoryBudget() {
            return Math.min(Runtime.getRuntime().maxMemory(), PlatformDependent.maxDirectMemory()) / 4;
        }

        /**
         * The file-descriptor limit less 5% (at least 64) for the listening sockets, the jar, the event loops' own
         * descriptors and the logs; 1,024 where the limit cannot be read.
         */
        public static int maxConnections() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean) {
                long fds = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getMaxFileDescriptorCount();
                return (int) Math.max(1, Math.min(Integer.MAX_VALUE, fds - Math.max(64, fds / 20)));
            }
            return 1024;
        }
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** These settings, to change some of them. */
    public Builder toBuilder() {
        return builder().bind(bind).tcpPort(tcpPort).udpPort(udpPort).maxLineLength(maxLineLength)
                .quietPeriod(quietPeriod).maxDatagramSize(maxDatagramSize).udpReceiveBuffer(udpReceiveBuffer)
                .drainTimeout(drainTimeout).maxConnections(maxConnections)
                .maxConnectionsPerSource(maxConnectionsPerSource).perSourceExempt(perSourceExempt)
                .memoryBudget(memoryBudget)
                .idleTimeout(idleTimeout)
                .lingerTimeout(lingerTimeout).writeBufferSize(writeBufferSize).transport(transport)
                .addressFilter(addressFilter).metricsPort(metricsPort).http(http).tls(tls).udpReplyRate(udpReplyRate)
                .udpReplyBytes(udpReplyBytes).udpReplyExempt(udpReplyExempt).proxyProtocolFrom(proxyProtocolFrom)
                .proxyProtocolTimeout(proxyProtocolTimeout).log(log);
    }

    /** Settings one at a time, from the defaults; see the record's components for what each means. */
    public static final class Builder {
        private InetAddress bind;
        private int tcpPort = Defaults.PORT;
        private int udpPort = Defaults.PORT;
        private int maxLineLength = Defaults.MAX_LINE_LENGTH;
        private Duration quietPeriod = Durations.parse(Defaults.QUIET_PERIOD);
        private int maxDatagramSize = Defaults.MAX_DATAGRAM_SIZE;
        private int udpReceiveBuffer = Defaults.UDP_RECEIVE_BUFFER;
        private Duration drainTimeout = Durations.parse(Defaults.DRAIN_TIMEOUT);
        private int maxConnections = Defaults.maxConnections();
        private int maxConnectionsPerSource = Defaults.MAX_CONNECTIONS_PER_SOURCE;
        private AddressRanges perSourceExempt = AddressRanges.parse(Defaults.PER_SOURCE_EXEMPT);
        private long memoryBudget = Defaults.memoryBudget();
        private Duration idleTimeout = Durations.parse(Defaults.IDLE_TIMEOUT);
        private Duration lingerTimeout = Durations.parse(Defaults.LINGER_TIMEOUT);
        private int writeBufferSize = Defaults.WRITE_BUFFER_SIZE;
        private Transport transport = Transport.AUTO;
        private AddressFilter addressFilter = AddressFilter.of(List.of(), List.of());
        private Integer metricsPort;
        private HttpLimits http = new HttpLimits(Defaults.HTTP_MAX_CONNECTIONS,
                Durations.parse(Defaults.HTTP_REQUEST_TIMEOUT), Durations.parse(Defaults.HTTP_IDLE_TIMEOUT),
                Defaults.HTTP_MAX_HEADER_SIZE);
        private TlsSettings tls;
        private int udpReplyRate = Defaults.UDP_REPLY_RATE;
        private long udpReplyBytes = Defaults.UDP_REPLY_BYTES;
        private AddressRanges udpReplyExempt = AddressRanges.parse(Defaults.UDP_REPLY_EXEMPT);
        private AddressRanges proxyProtocolFrom = AddressRanges.none();
        private Duration proxyProtocolTimeout = Durations.parse(Defaults.PROXY_PROTOCOL_TIMEOUT);
        private LogSettings log = new LogSettings("INFO", LogFormat.TEXT, null);

        private Builder() {}

        public Builder bind(InetAddress value) {
            bind = value;
            return this;
        }

        /** The TCP and the UDP port at once. */
        public Builder port(int value) {
            return tcpPort(value).udpPort(value);
        }

        public Builder tcpPort(int value) {
            tcpPort = value;
            return this;
        }

        public Builder udpPort(int value) {
            udpPort = value;
            return this;
        }

        public Builder maxLineLength(int value) {
            maxLineLength = value;
            return this;
        }

        public Builder quietPeriod(Duration value) {
            quietPeriod = value;
            return this;
        }

        public Builder maxDatagramSize(int value) {
            maxDatagramSize = value;
            return this;
        }

        public Builder udpReceiveBuffer(int value) {
            udpReceiveBuffer = value;
            return this;
        }

        public Builder drainTimeout(Duration value) {
            drainTimeout = value;
            return this;
        }

        public Builder maxConnectionsPerSource(int value) {
            maxConnectionsPerSource = value;
            return this;
        }

        public Builder perSourceExempt(AddressRanges value) {
            perSourceExempt = value;
            return this;
        }

        public Builder udpReplyBytes(long value) {
            udpReplyBytes = value;
            return this;
        }

        public Builder udpReplyExempt(AddressRanges value) {
            udpReplyExempt = value;
            return this;
        }

        public Builder proxyProtocolFrom(AddressRanges value) {
            proxyProtocolFrom = value;
            return this;
        }

        public Builder proxyProtocolTimeout(Duration value) {
            proxyProtocolTimeout = value;
            return this;
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        public Builder memoryBudget(long value) {
            memoryBudget = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        public Builder lingerTimeout(Duration value) {
            lingerTimeout = value;
            return this;
        }

        public Builder writeBufferSize(int value) {
            writeBufferSize = value;
            return this;
        }

        public Builder transport(Transport value) {
            transport = value;
            return this;
        }

        public Builder addressFilter(AddressFilter value) {
            addressFilter = value;
            return this;
        }

        public Builder metricsPort(Integer value) {
            metricsPort = value;
            return this;
        }

        public Builder http(HttpLimits value) {
            http = value;
            return this;
        }

        public Builder tls(TlsSettings value) {
            tls = value;
            return this;
        }

        public Builder udpReplyRate(int value) {
            udpReplyRate = value;
            return this;
        }

        public Builder log(LogSettings value) {
            log = value;
            return this;
        }

        public ServerSettings build() {
            return new ServerSettings(bind, tcpPort, udpPort, maxLineLength, quietPeriod, maxDatagramSize,
                    udpReceiveBuffer, drainTimeout, maxConnections, maxConnectionsPerSource, perSourceExempt,
                    memoryBudget, idleTimeout, lingerTimeout, writeBufferSize, transport, addressFilter, metricsPort,
                    http, tls, udpReplyRate, udpReplyBytes, udpReplyExempt, proxyProtocolFrom, proxyProtocolTimeout,
                    log);
        }
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
