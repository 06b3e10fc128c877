package dev.uppercase.server.config;

import dev.uppercase.cli.CommandLines;
import dev.uppercase.cli.Ports;
import dev.uppercase.codec.Uppercase;
import dev.uppercase.server.config.ServerSettings.Defaults;
import dev.uppercase.server.transport.Transport;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The server's command line: its flags (each with its {@code UPPERCASE_*} environment variable), their validation,
 * help and version. {@link #read} turns arguments into {@link ServerSettings}, or into the exit code to end with.
 */
public final class ServerCommandLine {
    /** Exit code for a usage error: an unknown flag or a bad value. */
    static final int USAGE = 2;

    private ServerCommandLine() {}

    /** What the command line asks for: settings to run with, or (help, version, a usage error) an exit code. */
    public record Outcome(ServerSettings settings, int exitCode) {}

    /**
     * Parses flags over environment variables (a flag wins over the variable for the same setting; a specific setting
     * such as {@code --tcp-port} wins over the general {@code --port}).
     *
     * @throws ParameterException for an unknown flag or a bad value, with a one-line message
     */
    public static ServerSettings parse(String[] args, Map<String, String> env) {
        CommandLine cl = commandLine(env);
        cl.parseArgs(args);
        return cl.<Flags>getCommand().toSettings(cl, env);
    }

    /** The picocli model of the flags, with the environment as the source of defaults. */
    static CommandLine commandLine(Map<String, String> env) {
        return CommandLines.create(new Flags(), env);
    }

    /** Prints help or version ({@code out}, exit 0), or a usage error in one line ({@code err}, exit 2). */
    public static Outcome read(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(env);
        try {
            cl.parseArgs(args);
            ServerSettings settings = cl.<Flags>getCommand().toSettings(cl, env);
            if (cl.isUsageHelpRequested()) {
                cl.usage(out);
                return new Outcome(null, 0);
            }
            if (cl.isVersionHelpRequested()) {
                cl.printVersionHelp(out);
                return new Outcome(null, 0);
            }
            return new Outcome(settings, 0);
        } catch (ParameterException e) {
            err.println(cl.getCommandName() + ": " + CommandLines.describe(e, args, env) + " (see --help)");
            return new Outcome(null, USAGE);
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
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:stopped by SIGTERM or SIGINT, every connection drained (or --help, --version)",
                "1:the server could not start (a port taken, a TLS file unreadable, a transport this machine lacks)",
                "2:usage error (an unknown flag or a bad value)",
                "3:out of memory: exited at once, for a supervisor to restart it"
            })
    static final class Flags {

        @Option(names = "--port", paramLabel = "N", defaultValue = "" + Defaults.PORT,
                description = "TCP and UDP port (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--tcp-port", paramLabel = "N",
                description = "TCP port, overrides --port.")
        Integer tcpPort;

        @Option(names = "--udp-port", paramLabel = "N",
                description = "UDP port, overrides --port.")
        Integer udpPort;

        @Option(names = "--bind", paramLabel = "ADDR",
                description = "Address to listen on (default: all interfaces, IPv4 and IPv6).")
        String bind;

        @Option(names = "--max-line-length", paramLabel = "BYTES", defaultValue = "" + Defaults.MAX_LINE_LENGTH,
                description = "Longest TCP line, terminator not counted (default ${DEFAULT-VALUE}).")
        int maxLineLength;

        @Option(names = "--quiet-period", paramLabel = "DURATION", defaultValue = Defaults.QUIET_PERIOD,
                description = "Answer a partial line after this long without a new byte; 0 waits for the newline "
                        + "(default ${DEFAULT-VALUE}).")
        Duration quietPeriod;

        @Option(names = "--max-datagram-size", paramLabel = "BYTES", defaultValue = "" + Defaults.MAX_DATAGRAM_SIZE,
                description = "Largest UDP request and reply (default ${DEFAULT-VALUE}).")
        int maxDatagramSize;

        @Option(names = "--udp-receive-buffer", paramLabel = "BYTES", defaultValue = "" + Defaults.UDP_RECEIVE_BUFFER,
                description = "Datagrams the kernel may queue for each UDP socket while the server is busy (SO_RCVBUF; "
                        + "Linux caps it at net.core.rmem_max; 0: the kernel's default; default ${DEFAULT-VALUE}).")
        int udpReceiveBuffer;

        @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = Defaults.DRAIN_TIMEOUT,
                description = "On stop, how long to wait for replies to reach clients before closing them "
                        + "(default ${DEFAULT-VALUE}).")
        Duration drainTimeout;

        @Option(names = "--max-connections", paramLabel = "N",
                description = "Most TCP connections at once (default: the file-descriptor limit less 5%%, now "
                        + "${DEFAULT-VALUE}).")
        int maxConnections = Defaults.maxConnections();

        @Option(names = "--max-connections-per-source", paramLabel = "N",
                defaultValue = "" + Defaults.MAX_CONNECTIONS_PER_SOURCE,
                description = "Most TCP connections at once from one source address (IPv6: its /64); one more is "
                        + "told so and closed (default ${DEFAULT-VALUE}; 0: no limit).")
        int maxConnectionsPerSource;

        @Option(names = "--max-connections-per-source-exempt", paramLabel = "CIDR", split = ",",
                defaultValue = Defaults.PER_SOURCE_EXEMPT,
                description = "Sources not held to --max-connections-per-source (default ${DEFAULT-VALUE}: "
                        + "loopback; an empty value exempts no one).")
        List<String> perSourceExempt;

        @Option(names = "--memory-budget", paramLabel = "BYTES",
                description = "Most bytes all TCP connections together may make the server hold (unfinished lines, "
                        + "reads held back, replies not yet read); past it, the connections holding the most are "
                        + "told and closed (default: a quarter of the smaller of the heap and direct-memory limits, "
                        + "now ${DEFAULT-VALUE}).")
        long memoryBudget = Defaults.memoryBudget();

        @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = Defaults.IDLE_TIMEOUT,
                description = "Close a connection that sends no complete line for this long; 0 never "
                        + "(default ${DEFAULT-VALUE}).")
        Duration idleTimeout;

        @Option(names = "--linger-timeout", paramLabel = "DURATION", defaultValue = Defaults.LINGER_TIMEOUT,
                description = "A connection the server closes (idle, over a limit, an error) gets its last line, then "
                        + "this long to read it before the close, whether or not it reads (default ${DEFAULT-VALUE}).")
        Duration lingerTimeout;

        @Option(names = "--write-buffer-size", paramLabel = "BYTES", defaultValue = "" + Defaults.WRITE_BUFFER_SIZE,
                description = "Stop reading from a client once this many reply bytes wait for it to read them "
                        + "(default ${DEFAULT-VALUE}).")
        int writeBufferSize;

        @Option(names = "--transport", paramLabel = "NAME", defaultValue = Defaults.TRANSPORT,
                converter = TransportConverter.class,
                description = "I/O transport: auto, nio, epoll or io_uring (default ${DEFAULT-VALUE}: epoll on Linux, "
                        + "else io_uring, else nio).")
        Transport transport;

        @Option(names = "--allow", paramLabel = "CIDR", split = ",",
                description = "Accept only these sources (IPv4/IPv6 ranges, repeatable or comma-separated; default: "
                        + "all).")
        List<String> allow = List.of();

        @Option(names = "--deny", paramLabel = "CIDR", split = ",",
                description = "Refuse these sources, even if allowed (repeatable or comma-separated).")
        List<String> deny = List.of();

        @Option(names = "--udp-reply-rate", paramLabel = "N", defaultValue = "" + Defaults.UDP_REPLY_RATE,
                description = "Most UDP replies per second to one source address, up to N at once; the rest are "
                        + "dropped. Bounds what spoofed requests can reflect (default ${DEFAULT-VALUE}: no limit).")
        int udpReplyRate;

        @Option(names = "--udp-reply-bytes", paramLabel = "BYTES", defaultValue = "" + Defaults.UDP_REPLY_BYTES,
                description = "Most UDP reply bytes per second to one source address, up to a second's worth at "
                        + "once; the rest are dropped. What a forged source can have reflected at it "
                        + "(default ${DEFAULT-VALUE}; 0: no limit).")
        long udpReplyBytes;

        @Option(names = "--udp-reply-rate-exempt", paramLabel = "CIDR", split = ",",
                defaultValue = Defaults.UDP_REPLY_EXEMPT,
                description = "Sources held to neither --udp-reply-rate nor --udp-reply-bytes (default "
                        + "${DEFAULT-VALUE}: loopback, which no packet from another machine can claim; an empty value "
                        + "exempts no one).")
        List<String> udpReplyExempt;

        @Option(names = "--proxy-protocol-from", paramLabel = "CIDR", split = ",",
                description = "Proxies (HAProxy, a cloud load balancer) whose TCP and TLS connections begin with a "
                        + "PROXY protocol v1 or v2 header naming the client; one without is closed (default: none).")
        List<String> proxyProtocolFrom = List.of();

        @Option(names = "--proxy-protocol-timeout", paramLabel = "DURATION",
                defaultValue = Defaults.PROXY_PROTOCOL_TIMEOUT,
                description = "Close a connection from a listed proxy that has not sent its header by then "
                        + "(default ${DEFAULT-VALUE}).")
        Duration proxyProtocolTimeout;

        @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = Defaults.LOG_LEVEL,
                description = "trace, debug (adds a line per connection), info, warn, error or off "
                        + "(default ${DEFAULT-VALUE}).")
        String logLevel;

        @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = Defaults.LOG_FORMAT,
                description = "text, or json: one JSON object per line for log shippers (default ${DEFAULT-VALUE}).")
        String logFormat;

        @Option(names = "--log-config", paramLabel = "FILE",
                description = "A logback configuration file to use instead of the built-in ones.")
        Path logConfig;

        @Option(names = "--metrics-port", paramLabel = "N",
                description = "HTTP port for /metrics (Prometheus) and /health/live, /health/ready (default: off).")
        Integer metricsPort;

        @Option(names = "--metrics-max-connections", paramLabel = "N",
                defaultValue = "" + Defaults.HTTP_MAX_CONNECTIONS,
                description = "Most connections to the HTTP endpoint at once; one more is answered 503 "
                        + "(default ${DEFAULT-VALUE}).")
        int metricsMaxConnections;

        @Option(names = "--metrics-request-timeout", paramLabel = "DURATION",
                defaultValue = Defaults.HTTP_REQUEST_TIMEOUT,
                description = "An HTTP request must arrive whole this long after its first byte, or it is answered "
                        + "408 (default ${DEFAULT-VALUE}).")
        Duration metricsRequestTimeout;

        @Option(names = "--metrics-idle-timeout", paramLabel = "DURATION", defaultValue = Defaults.HTTP_IDLE_TIMEOUT,
                description = "Close an HTTP connection with no byte in or out for this long "
                        + "(default ${DEFAULT-VALUE}).")
        Duration metricsIdleTimeout;

        @Option(names = "--metrics-max-header-size", paramLabel = "BYTES",
                defaultValue = "" + Defaults.HTTP_MAX_HEADER_SIZE,
                description = "Longest HTTP request line and most bytes of headers; longer is answered 414 or 431 "
                        + "(default ${DEFAULT-VALUE}).")
        int metricsMaxHeaderSize;

        @Option(names = "--tls-port", paramLabel = "N",
                description = "Port of a TLS listener for the same line protocol (default: off; " + Ports.TLS
                        + " is usual). "
                        + "Needs --tls-cert and --tls-key.")
        Integer tlsPort;

        @Option(names = "--tls-cert", paramLabel = "FILE",
                description = "The TLS certificate chain, PEM.")
        Path tlsCert;

        @Option(names = "--tls-key", paramLabel = "FILE",
                description = "The certificate's private key, PEM, unencrypted PKCS#8 (BEGIN PRIVATE KEY).")
        Path tlsKey;

        @Option(names = "--tls-client-ca", paramLabel = "FILE",
                description = "Require a client certificate signed by a CA in this PEM file (default: none "
                        + "asked for).")
        Path tlsClientCa;

        @Option(names = "--tls-handshake-timeout", paramLabel = "DURATION",
                defaultValue = Defaults.TLS_HANDSHAKE_TIMEOUT,
                description = "Close a TLS connection whose handshake has not finished by then "
                        + "(default ${DEFAULT-VALUE}).")
        Duration tlsHandshakeTimeout;

        ServerSettings toSettings(CommandLine cl, Map<String, String> env) {
            CommandLines.Checks check = new CommandLines.Checks(cl, env);
            return ServerSettings.builder()
                    .bind(bindAddress(check))
                    .tcpPort(tcpPort == null ? port(check, "--port", port) : port(check, "--tcp-port", tcpPort))
                    .udpPort(udpPort == null ? port(check, "--port", port) : port(check, "--udp-port", udpPort))
                    .maxLineLength(check.within("--max-line-length", maxLineLength, 1, Integer.MAX_VALUE))
                    .quietPeriod(quietPeriod)
                    .maxDatagramSize(check.within("--max-datagram-size", maxDatagramSize, 0, 65_527))
                    .udpReceiveBuffer(check.within("--udp-receive-buffer", udpReceiveBuffer, 0, 1 << 30))
                    .drainTimeout(drainTimeout)
                    .maxConnections(check.within("--max-connections", maxConnections, 1, Integer.MAX_VALUE))
                    .maxConnectionsPerSource(check.within("--max-connections-per-source", maxConnectionsPerSource, 0,
                            Integer.MAX_VALUE))
                    .perSourceExempt(ranges(cl, check, "--max-connections-per-source-exempt", perSourceExempt))
                    .memoryBudget(check.atLeast("--memory-budget", memoryBudget, 64 * 1024))
                    .idleTimeout(idleTimeout)
                    .lingerTimeout(check.positive("--linger-timeout", lingerTimeout))
                    .writeBufferSize(check.within("--write-buffer-size", writeBufferSize, 1024, 64 * 1024 * 1024))
                    .transport(transport)
                    .addressFilter(addressFilter(cl, check))
                    .metricsPort(metricsPort == null ? null : port(check, "--metrics-port", metricsPort))
                    .http(new ServerSettings.HttpLimits(
                            check.within("--metrics-max-connections", metricsMaxConnections, 1, 100_000),
                            check.positive("--metrics-request-timeout", metricsRequestTimeout),
                            check.positive("--metrics-idle-timeout", metricsIdleTimeout),
                            check.within("--metrics-max-header-size", metricsMaxHeaderSize, 256, 1024 * 1024)))
                    .tls(tls(cl, check))
                    .udpReplyRate(check.within("--udp-reply-rate", udpReplyRate, 0, 1_000_000))
                    .udpReplyBytes(udpReplyBytes(check))
                    .udpReplyExempt(ranges(cl, check, "--udp-reply-rate-exempt", udpReplyExempt))
                    .proxyProtocolFrom(ranges(cl, check, "--proxy-protocol-from", proxyProtocolFrom))
                    .proxyProtocolTimeout(check.positive("--proxy-protocol-timeout", proxyProtocolTimeout))
                    .log(log(cl, check))
                    .build();
        }

        private ServerSettings.LogSettings log(CommandLine cl, CommandLines.Checks check) {
            String level = logLevel.toUpperCase(Locale.ROOT);
            if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(level)) {
                throw check.invalid("--log-level",
                        "'" + logLevel + "' is not one of trace, debug, info, warn, error, off");
            }
            ServerSettings.LogFormat format;
            try {
                format = ServerSettings.LogFormat.valueOf(logFormat.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw check.invalid("--log-format", "'" + logFormat + "' is not one of text, json");
            }
            if (logConfig != null && format != ServerSettings.LogFormat.TEXT) {
                throw new ParameterException(cl, "--log-format is for the built-in configuration: with --log-config, "
                        + "the file sets the format");
            }
            if (logConfig != null && (!Files.isReadable(logConfig) || Files.isDirectory(logConfig))) {
                throw check.invalid("--log-config", logConfig + " is not a readable file");
            }
            return new ServerSettings.LogSettings(level, format, logConfig);
        }

        private ServerSettings.TlsSettings tls(CommandLine cl, CommandLines.Checks check) {
            check.positive("--tls-handshake-timeout", tlsHandshakeTimeout);
            if (tlsPort == null) {
                if (tlsCert != null || tlsKey != null || tlsClientCa != null) {
                    throw new ParameterException(cl, "--tls-cert, --tls-key and --tls-client-ca need --tls-port");
                }
                return null;
            }
            if (tlsCert == null || tlsKey == null) {
                throw new ParameterException(cl, "--tls-port needs --tls-cert and --tls-key");
            }
            return new ServerSettings.TlsSettings(port(check, "--tls-port", tlsPort), tlsCert, tlsKey, tlsClientCa,
                    tlsHandshakeTimeout);
        }

        private static AddressRanges ranges(CommandLine cl, CommandLines.Checks check, String flag,
                List<String> ranges) {
            try {
                return AddressRanges.of(ranges);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, "invalid value for " + check.origin(flag) + ": " + e.getMessage());
            }
        }

        /** 0, or at least the largest datagram there is: a second's worth must hold any one reply. */
        private long udpReplyBytes(CommandLines.Checks check) {
            return udpReplyBytes == 0 ? 0 : check.atLeast("--udp-reply-bytes", udpReplyBytes, 65_536);
        }

        private AddressFilter addressFilter(CommandLine cl, CommandLines.Checks check) {
            try {
                return AddressFilter.of(allow, deny);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, "invalid value for " + check.origin("--allow") + "/"
                        + check.origin("--deny") + ": " + e.getMessage());
            }
        }

        private InetAddress bindAddress(CommandLines.Checks check) {
            if (bind == null || bind.isEmpty()) {
                return null;
            }
            try {
                return InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                throw check.invalid("--bind", "'" + bind + "' is not an address here");
            }
        }

        private static int port(CommandLines.Checks check, String flag, int value) {
            return check.within(flag, value, 0, 65_535);
        }
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

    /** What --version prints. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"uppercase-server " + ServerVersion.current(), Uppercase.MAPPING};
        }
    }
}
