package dev.uppercase.client;

import dev.uppercase.cli.CommandLines;
import dev.uppercase.cli.Durations;
import dev.uppercase.cli.Ports;
import dev.uppercase.codec.Datagrams;
import dev.uppercase.codec.Uppercase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * Everything the client can be told, in one immutable record. {@link #builder()} makes one from the defaults; the
 * command line fills that builder from flags and {@code UPPERCASE_*} environment variables (a flag wins over its
 * variable), checking each value on the way.
 *
 * @param tls TLS settings; null for plain TCP or UDP
 * @param words one-shot text; empty for interactive or filter mode
 */
record ClientSettings(
        String host,
        int port,
        boolean udp,
        boolean interactive,
        Duration timeout,
        int tries,
        Duration connectTimeout,
        Duration replyTimeout,
        int maxDatagramSize,
        int maxReplyLength,
        boolean verbose,
        Tls tls,
        List<String> words) {

    /**
     * Talking to the server's TLS listener.
     *
     * @param ca the CA certificates (PEM) to trust the server by; null: the JDK's default trust store
     * @param cert a client certificate chain (PEM) for a server that asks for one; null: none
     * @param key that certificate's private key (PEM, unencrypted PKCS#8)
     */
    record Tls(Path ca, Path cert, Path key) {}

    /** The defaults, once: as the command line writes them (its --help shows them) and as the builder starts. */
    static final class Defaults {
        static final String HOST = "localhost";
        static final String TIMEOUT = "1s";
        static final int TRIES = 3;
        static final String CONNECT_TIMEOUT = "5s";
        static final String REPLY_TIMEOUT = "30s";
        static final int MAX_DATAGRAM_SIZE = Datagrams.MAX_IPV4_PAYLOAD;
        static final int MAX_REPLY_LENGTH = 16 * 1024 * 1024;

        private Defaults() {}
    }

    static Builder builder() {
        return new Builder();
    }

    /** Settings one at a time, from the defaults; see the record's components for what each means. */
    static final class Builder {
        private String host = Defaults.HOST;
        private int port = Ports.DEFAULT;
        private boolean udp;
        private boolean interactive;
        private Duration timeout = Durations.parse(Defaults.TIMEOUT);
        private int tries = Defaults.TRIES;
        private Duration connectTimeout = Durations.parse(Defaults.CONNECT_TIMEOUT);
        private Duration replyTimeout = Durations.parse(Defaults.REPLY_TIMEOUT);
        private int maxDatagramSize = Defaults.MAX_DATAGRAM_SIZE;
        private int maxReplyLength = Defaults.MAX_REPLY_LENGTH;
        private boolean verbose;
        private Tls tls;
        private List<String> words = List.of();

        private Builder() {}

        Builder host(String value) {
            host = value;
            return this;
        }

        Builder port(int value) {
            port = value;
            return this;
        }

        Builder udp(boolean value) {
            udp = value;
            return this;
        }

        Builder interactive(boolean value) {
            interactive = value;
            return this;
        }

        Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        Builder tries(int value) {
            tries = value;
            return this;
        }

        Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        Builder replyTimeout(Duration value) {
            replyTimeout = value;
            return this;
        }

        Builder maxDatagramSize(int value) {
            maxDatagramSize = value;
            return this;
        }

        Builder maxReplyLength(int value) {
            maxReplyLength = value;
            return this;
        }

        Builder verbose(boolean value) {
            verbose = value;
            return this;
        }

        Builder tls(Tls value) {
            tls = value;
            return this;
        }

        Builder words(List<String> value) {
            words = List.copyOf(value);
            return this;
        }

        ClientSettings build() {
            return new ClientSettings(host, port, udp, interactive, timeout, tries, connectTimeout, replyTimeout,
                    maxDatagramSize, maxReplyLength, verbose, tls, words);
        }
    }

    static ClientSettings parse(String[] args, Map<String, String> env) {
        return parse(commandLine(env), args, env);
    }

    static ClientSettings parse(CommandLine cl, String[] args, Map<String, String> env) {
        cl.parseArgs(args);
        return cl.<Flags>getCommand().toSettings(cl, env);
    }

    static CommandLine commandLine(Map<String, String> env) {
        return CommandLines.create(new Flags(), env);
    }

    @Command(
            name = "uppercase-client",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            sortOptions = false,
            usageHelpWidth = 100,
            description = {
                "Sends text to the uppercase server and prints the replies.",
                "  with TEXT:             sends it as one line, prints the reply (one-shot)",
                "  input is a terminal:   prompts for lines, one connection for the session (interactive)",
                "  input is a pipe/file:  sends every line, prints one reply per line, in order (filter)",
                "  bench [MODE]:          loads the server and measures it (see: bench --help)",
                "Every flag can also be set by the environment variable named after it.",
                ""
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:success",
                "1:an input or output error",
                "2:usage error",
                "3:cannot connect to the server",
                "4:no reply in time",
                "5:the server closed the connection before every reply came",
                "6:some lines were refused (too long for the server, or too large for a datagram)"
            })
    static final class Flags {
        @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Text to send as one line (one-shot mode).")
        List<String> words = List.of();

        @Option(names = "--host", paramLabel = "HOST", defaultValue = Defaults.HOST,
                description = "Server host (default ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", paramLabel = "N",
                description = "Server port, TCP or UDP (default " + Ports.DEFAULT + ", with --tls " + Ports.TLS
                        +").")
        Integer port;

        @Option(names = "--udp", description = "Use UDP: one datagram per line.")
        boolean udp;

        @Option(names = {"-i", "--interactive"},
                description = "Prompt for lines even when input is not a terminal.")
        boolean interactive;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = Defaults.TIMEOUT,
                description = "UDP: wait this long for a reply before sending again (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--tries", paramLabel = "N", defaultValue = "" + Defaults.TRIES,
                description = "UDP: send each line at most this many times (default ${DEFAULT-VALUE}).")
        int tries;

        @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = Defaults.CONNECT_TIMEOUT,
                description = "TCP: give up connecting after this long (default ${DEFAULT-VALUE}).")
        Duration connectTimeout;

        @Option(names = "--reply-timeout", paramLabel = "DURATION", defaultValue = Defaults.REPLY_TIMEOUT,
                description = "TCP: give up when replies are owed and none has come for this long "
                        + "(default ${DEFAULT-VALUE}).")
        Duration replyTimeout;

        @Option(names = "--max-datagram-size", paramLabel = "BYTES", defaultValue = "" + Defaults.MAX_DATAGRAM_SIZE,
                description = "UDP: refuse a line whose datagram or reply would be larger (default ${DEFAULT-VALUE}).")
        int maxDatagramSize;

        @Option(names = "--max-reply-length", paramLabel = "BYTES", defaultValue = "" + Defaults.MAX_REPLY_LENGTH,
                description = "TCP: longest reply line accepted (default ${DEFAULT-VALUE}).")
        int maxReplyLength;

        @Option(names = "--tls", description = "TCP over TLS (1.2 or 1.3), checking the server's certificate and name.")
        boolean tls;

        @Option(names = "--tls-ca", paramLabel = "FILE",
                description = "With --tls: trust the CA certificates in this PEM file (default: the JDK's trusted "
                        + "CAs).")
        Path tlsCa;

        @Option(names = "--tls-cert", paramLabel = "FILE",
                description = "With --tls: present this client certificate (PEM) when the server asks for one.")
        Path tlsCert;

        @Option(names = "--tls-key", paramLabel = "FILE",
                description = "The client certificate's private key (PEM, unencrypted PKCS#8).")
        Path tlsKey;

        @Option(names = {"-v", "--verbose"}, description = "Show stack traces of errors.")
        boolean verbose;

        ClientSettings toSettings(CommandLine cl, Map<String, String> env) {
            CommandLines.Checks check = new CommandLines.Checks(cl, env);
            return builder()
                    .host(host)
                    .port(check.within("--port", port != null ? port : tls ? Ports.TLS : Ports.DEFAULT, 1, 65_535))
                    .udp(udp)
                    .interactive(interactive)
                    .timeout(check.positive("--timeout", timeout))
                    .tries(check.within("--tries", tries, 1, 100))
                    .connectTimeout(check.positive("--connect-timeout", connectTimeout))
                    .replyTimeout(check.positive("--reply-timeout", replyTimeout))
                    .maxDatagramSize(check.within("--max-datagram-size", maxDatagramSize, 0, 65_527))
                    .maxReplyLength(check.within("--max-reply-length", maxReplyLength, 1, Integer.MAX_VALUE - 2))
                    .verbose(verbose)
                    .tls(tls(cl))
                    .words(words)
                    .build();
        }

        private Tls tls(CommandLine cl) {
            if (!tls) {
                if (tlsCa != null || tlsCert != null || tlsKey != null) {
                    throw new ParameterException(cl, "--tls-ca, --tls-cert and --tls-key need --tls");
                }
                return null;
            }
            if (udp) {
                throw new ParameterException(cl, "--tls is for TCP: it cannot go with --udp");
            }
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new ParameterException(cl, "--tls-cert and --tls-key go together");
            }
            return new Tls(tlsCa, tlsCert, tlsKey);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"uppercase-client " + CommandLines.version(ClientSettings.class), Uppercase.MAPPING};
        }
    }
}
