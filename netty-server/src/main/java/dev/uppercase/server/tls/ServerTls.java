package dev.uppercase.server.tls;

import dev.uppercase.server.config.ServerSettings.TlsSettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The TLS listener's context, made once at startup from the PEM files the settings name. */
public final class ServerTls {
    /** TLS 1.0 and 1.1 are deprecated (RFC 8996); nothing older is offered either. */
    static final String REFUSE_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    static {
        refuseClientRenegotiation();
    }

    private ServerTls() {}

    /**
     * A TLS 1.2 client may ask for a new handshake on an open connection as often as it likes, each a full handshake
     * for the server (TLS 1.3 has no renegotiation). The JDK refuses it, with a handshake_failure alert that ends the
     * connection, when this property is true as its server-side TLS first loads: so it is set before any TLS context
     * is made (ServerMain sets it before anything else), unless it was set on the command line. It is the JVM's: an
     * embedder that serves TLS of its own in the same JVM gets the same.
     */
    public static void refuseClientRenegotiation() {
        if (System.getProperty(REFUSE_RENEGOTIATION) == null) {
            System.setProperty(REFUSE_RENEGOTIATION, "true");
        }
    }

    /** @throws IOException naming the file that is missing or cannot be read as what it should be */
    public static SslContext context(TlsSettings tls) throws IOException {
        readable("--tls-cert", tls.cert());
        readable("--tls-key", tls.key());
        if (tls.clientCa() != null) {
            readable("--tls-client-ca", tls.clientCa());
        }
        try {
            // The JDK's own TLS: netty-all carries no native OpenSSL, and the JDK's is fast enough for line echo.
            SslContextBuilder builder = SslContextBuilder.forServer(tls.cert().toFile(), tls.key().toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS);
            if (tls.clientCa() != null) {
                builder.clientAuth(ClientAuth.REQUIRE).trustManager(tls.clientCa().toFile());
            }
            return builder.build();
        } catch (Exception e) { // SSLException, or IllegalArgumentException for a file that holds no PEM
            throw new IOException("cannot use the TLS certificate " + tls.cert() + " and key " + tls.key()
                    + (tls.clientCa() == null ? "" : " (client CA " + tls.clientCa() + ")") + ": " + rootMessage(e));
        }
    }

    private static void readable(String flag, Path file) throws IOException {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new IOException(flag + " " + file + ": not a readable file");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
