package dev.uppercase.server;

import dev.uppercase.codec.Datagrams;
import dev.uppercase.codec.Durations;
import dev.uppercase.codec.Environment;
import dev.uppercase.codec.LineFraming;
import dev.uppercase.codec.Ports;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Everything the server can be told, in one immutable record: built once at startup from flags and {@code UPPERCASE_*}
 * environment variables, validated, then handed to the initializers.
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
    public record LogSettings(String level, Logging.LogFormat format, Path config) {}

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

    /**
     * Parses flags over environment variables (a flag wins over the variable for the same setting; a specific setting
     * such as {@code --tcp-port} wins over the general {@code --port}).
     *
     * @throws ParameterException for an unknown flag or a bad value, with a one-line message
     */
    public static ServerSettings parse(String[] args, Map<String, String> env) {
        return parse(commandLine(env), args);
    }

    static ServerSettings parse(CommandLine commandLine, String[] args) {
        commandLine.parseArgs(args);
        return commandLine.<Flags>getCommand().toSettings(commandLine);
    }

    /** The picocli model of the flags, with the environment as the source of defaults. */
    static CommandLine commandLine(Map<String, String> env) {
        CommandLine cl = new CommandLine(new Flags());
        cl.registerConverter(Duration.class, Durations::parse);
        cl.setDefaultValueProvider(
                (ArgSpec spec) -> spec instanceof OptionSpec ? env.get(Environment.variableFor(((OptionSpec) spec).longestName())) : null);
        return cl;
    }

    /** Runs the command line for {@code main}: prints help or version and exits 0, or a usage error and exits 2. */
    static ServerSettings fromMain(String[] args, Map<String, String> env) {
        CommandLine cl = commandLine(env);
        PrintWriter err = cl.getErr();
        try {
            ServerSettings settings = parse(cl, args);
            if (cl.isUsageHelpRequested()) {
                cl.usage(cl.getOut());
                System.exit(0);
            }
            if (cl.isVersionHelpRequested()) {
                cl.printVersionHelp(cl.getOut());
                System.exit(0);
            }
            return settings;
        } catch (ParameterException e) {
            err.println(cl.getCommandName() + ": " + e.getMessage() + " (see --help)");
            err.flush();
            System.exit(2);
            return null;
        }
    }

    @Command(
            name = "uppercase-server",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            sortOptions = false,
            usageHelpWidth = 100,
            description = {
                "Answers each TCP line and each UDP datagram with its upper case (UTF-8).",
                "Every flag can also be set by the environment variable named after it.",
                ""
            })
    static final class Flags {

        @Option(names = "--port", paramLabel = "N", defaultValue = "" + Ports.DEFAULT,
                description = "TCP and UDP port (default ${DEFAULT-VALUE}). Env UPPERCASE_PORT.")
        int port;

        @Option(names = "--tcp-port", paramLabel = "N", description = "TCP port, overrides --port. Env UPPERCASE_TCP_PORT.")
        Integer tcpPort;

        @Option(names = "--udp-port", paramLabel = "N", description = "UDP port, overrides --port. Env UPPERCASE_UDP_PORT.")
        Integer udpPort;

        @Option(names = "--bind", paramLabel = "ADDR",
                description = "Address to listen on (default: all interfaces, IPv4 and IPv6). Env UPPERCASE_BIND.")
        String bind;

        @Option(names = "--max-line-length", paramLabel = "BYTES", defaultValue = "" + LineFraming.DEFAULT_MAX_LINE_LENGTH,
                description = "Longest TCP line, terminator not counted (default ${DEFAULT-VALUE}). "
                        + "Env UPPERCASE_MAX_LINE_LENGTH.")
        int maxLineLength;

        @Option(names = "--quiet-period", paramLabel = "DURATION", defaultValue = "200ms",
                description = "Answer a partial line after this long without a new byte; 0 waits for the newline "
                        + "(default ${DEFAULT-VALUE}). Env UPPERCASE_QUIET_PERIOD.")
        Duration quietPeriod;

        @Option(names = "--max-datagram-size", paramLabel = "BYTES", defaultValue = "" + Datagrams.MAX_IPV4_PAYLOAD,
                description = "Largest UDP request and reply (default ${DEFAULT-VALUE}). Env UPPERCASE_MAX_DATAGRAM_SIZE.")
        int maxDatagramSize;

        @Option(names = "--udp-receive-buffer", paramLabel = "BYTES", defaultValue = "" + (4 * 1024 * 1024),
                description = "Datagrams the kernel may queue for each UDP socket while the server is busy (SO_RCVBUF; "
                        + "Linux caps it at net.core.rmem_max; 0: the kernel's default; default ${DEFAULT-VALUE}). "
                        + "Env UPPERCASE_UDP_RECEIVE_BUFFER.")
        int udpReceiveBuffer;

        @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "5s",
                description = "On stop, how long to wait for replies to reach clients before closing them "
                        + "(default ${DEFAULT-VALUE}). Env UPPERCASE_DRAIN_TIMEOUT.")
        Duration drainTimeout;

        @Option(names = "--max-connections", paramLabel = "N",
                description = "Most TCP connections at once (default: the file-descriptor limit less 5%%, now "
                        + "${DEFAULT-VALUE}). Env UPPERCASE_MAX_CONNECTIONS.")
        int maxConnections = defaultMaxConnections();

        @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "5m",
                description = "Close a connection that sends no complete line for this long; 0 never "
                        + "(default ${DEFAULT-VALUE}). Env UPPERCASE_IDLE_TIMEOUT.")
        Duration idleTimeout;

        @Option(names = "--write-buffer-size", paramLabel = "BYTES", defaultValue = "" + (64 * 1024),
                description = "Stop reading from a client once this many reply bytes wait for it to read them "
                        + "(default ${DEFAULT-VALUE}). Env UPPERCASE_WRITE_BUFFER_SIZE.")
        int writeBufferSize;

        @Option(names = "--transport", paramLabel = "NAME", defaultValue = "auto",
                converter = TransportConverter.class,
                description = "I/O transport: auto, nio, epoll or io_uring (default ${DEFAULT-VALUE}: epoll on Linux, "
                        + "else io_uring, else nio). Env UPPERCASE_TRANSPORT.")
        Transport transport;

        @Option(names = "--allow", paramLabel = "CIDR", split = ",",
                description = "Accept only these sources (IPv4/IPv6 ranges, repeatable or comma-separated; default: "
                        + "all). Env UPPERCASE_ALLOW.")
        List<String> allow = List.of();

        @Option(names = "--deny", paramLabel = "CIDR", split = ",",
                description = "Refuse these sources, even if allowed (repeatable or comma-separated). "
                        + "Env UPPERCASE_DENY.")
        List<String> deny = List.of();

        @Option(names = "--udp-reply-rate", paramLabel = "N", defaultValue = "0",
                description = "Most UDP replies per second to one source address, up to N at once; the rest are "
                        + "dropped. Bounds what spoofed requests can reflect (default ${DEFAULT-VALUE}: no limit). "
                        + "Env UPPERCASE_UDP_REPLY_RATE.")
        int udpReplyRate;

        @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
                description = "trace, debug (adds a line per connection), info, warn, error or off "
                        + "(default ${DEFAULT-VALUE}). Env UPPERCASE_LOG_LEVEL.")
        String logLevel;

        @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
                description = "text, or json: one JSON object per line for log shippers (default ${DEFAULT-VALUE}). "
                        + "Env UPPERCASE_LOG_FORMAT.")
        String logFormat;

        @Option(names = "--log-config", paramLabel = "FILE",
                description = "A logback configuration file to use instead of the built-in ones. "
                        + "Env UPPERCASE_LOG_CONFIG.")
        Path logConfig;

        @Option(names = "--metrics-port", paramLabel = "N",
                description = "HTTP port for /metrics (Prometheus) and /health/live, /health/ready (default: off). "
                        + "Env UPPERCASE_METRICS_PORT.")
        Integer metricsPort;

        @Option(names = "--tls-port", paramLabel = "N",
                description = "Port of a TLS listener for the same line protocol (default: off; " + Ports.TLS + " is usual). "
                        + "Needs --tls-cert and --tls-key. Env UPPERCASE_TLS_PORT.")
        Integer tlsPort;

        @Option(names = "--tls-cert", paramLabel = "FILE",
                description = "The TLS certificate chain, PEM. Env UPPERCASE_TLS_CERT.")
        Path tlsCert;

        @Option(names = "--tls-key", paramLabel = "FILE",
                description = "The certificate's private key, PEM, unencrypted PKCS#8 (BEGIN PRIVATE KEY). "
                        + "Env UPPERCASE_TLS_KEY.")
        Path tlsKey;

        @Option(names = "--tls-client-ca", paramLabel = "FILE",
                description = "Require a client certificate signed by a CA in this PEM file (default: none "
                        + "asked for). Env UPPERCASE_TLS_CLIENT_CA.")
        Path tlsClientCa;

        @Option(names = "--tls-handshake-timeout", paramLabel = "DURATION", defaultValue = "10s",
                description = "Close a TLS connection whose handshake has not finished by then "
                        + "(default ${DEFAULT-VALUE}). Env UPPERCASE_TLS_HANDSHAKE_TIMEOUT.")
        Duration tlsHandshakeTimeout;

        ServerSettings toSettings(CommandLine cl) {
            return new ServerSettings(
                    bindAddress(cl),
                    tcpPort == null ? port(cl, "--port", port) : port(cl, "--tcp-port", tcpPort),
                    udpPort == null ? port(cl, "--port", port) : port(cl, "--udp-port", udpPort),
                    atLeast(cl, "--max-line-length", maxLineLength, 1),
                    quietPeriod,
                    within(cl, "--max-datagram-size", maxDatagramSize, 0, 65_527),
                    within(cl, "--udp-receive-buffer", udpReceiveBuffer, 0, 1 << 30),
                    drainTimeout,
                    atLeast(cl, "--max-connections", maxConnections, 1),
                    idleTimeout,
                    within(cl, "--write-buffer-size", writeBufferSize, 1024, 64 * 1024 * 1024),
                    transport,
                    addressFilter(cl),
                    metricsPort == null ? null : port(cl, "--metrics-port", metricsPort),
                    tls(cl),
                    within(cl, "--udp-reply-rate", udpReplyRate, 0, 1_000_000),
                    log(cl));
        }

        private LogSettings log(CommandLine cl) {
            String level = logLevel.toUpperCase(Locale.ROOT);
            if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(level)) {
                throw new ParameterException(cl, "invalid value for --log-level: '" + logLevel
                        + "' is not one of trace, debug, info, warn, error, off");
            }
            Logging.LogFormat format;
            try {
                format = Logging.LogFormat.valueOf(logFormat.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, "invalid value for --log-format: '" + logFormat
                        + "' is not one of text, json");
            }
            if (logConfig != null && format != Logging.LogFormat.TEXT) {
                throw new ParameterException(cl, "--log-format is for the built-in configuration: with --log-config, "
                        + "the file sets the format");
            }
            if (logConfig != null && (!Files.isReadable(logConfig) || Files.isDirectory(logConfig))) {
                throw new ParameterException(cl, "invalid value for --log-config: " + logConfig
                        + " is not a readable file");
            }
            return new LogSettings(level, format, logConfig);
        }

        private TlsSettings tls(CommandLine cl) {
            if (tlsHandshakeTimeout.isZero()) {
                throw new ParameterException(cl, "invalid value for --tls-handshake-timeout: must be more than 0");
            }
            if (tlsPort == null) {
                if (tlsCert != null || tlsKey != null || tlsClientCa != null) {
                    throw new ParameterException(cl, "--tls-cert, --tls-key and --tls-client-ca need --tls-port");
                }
                return null;
            }
            if (tlsCert == null || tlsKey == null) {
                throw new ParameterException(cl, "--tls-port needs --tls-cert and --tls-key");
            }
            return new TlsSettings(port(cl, "--tls-port", tlsPort), tlsCert, tlsKey, tlsClientCa, tlsHandshakeTimeout);
        }

        private AddressFilter addressFilter(CommandLine cl) {
            try {
                return AddressFilter.of(allow, deny);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, "invalid value for --allow/--deny: " + e.getMessage());
            }
        }

        private InetAddress bindAddress(CommandLine cl) {
            if (bind == null || bind.isEmpty()) {
                return null;
            }
            try {
                return InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                throw new ParameterException(cl, "invalid value for --bind: '" + bind + "' is not an address here");
            }
        }

        private static int port(CommandLine cl, String flag, int value) {
            return within(cl, flag, value, 0, 65_535);
        }

        private static int atLeast(CommandLine cl, String flag, int value, int min) {
            return within(cl, flag, value, min, Integer.MAX_VALUE);
        }

        private static int within(CommandLine cl, String flag, int value, int min, int max) {
            if (value < min || value > max) {
                throw new ParameterException(cl, "invalid value for " + flag + ": " + value + " is not in "
                        + min + ".." + max);
            }
            return value;
        }
    }

    /**
     * The file-descriptor limit less 5% (at least 64) for the listening sockets, the jar, the event loops' own
     * descriptors and the logs; 1,024 where the limit cannot be read.
     */
    static int defaultMaxConnections() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean) {
            long fds = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getMaxFileDescriptorCount();
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, fds - Math.max(64, fds / 20)));
        }
        return 1024;
    }

    /** Reads {@code auto}, {@code nio}, {@code epoll}, {@code io_uring} (any case). */
    static final class TransportConverter implements CommandLine.ITypeConverter<Transport> {
        @Override
        public Transport convert(String value) {
            for (Transport t : Transport.values()) {
                if (t.toString().equalsIgnoreCase(value)) {
                    return t;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not one of auto, nio, epoll, io_uring");
        }
    }

    /** The version from the jar's manifest ("dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        static String current() {
            String v = ServerSettings.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }

        @Override
        public String[] getVersion() {
            return new String[] {"uppercase-server " + current()};
        }
    }
}
