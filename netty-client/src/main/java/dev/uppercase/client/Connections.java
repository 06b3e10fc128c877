package dev.uppercase.client;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;

/** Turns the ways a connection can fail into the one line a user should read. */
final class Connections {
    private Connections() {}

    static ClientException cannotConnect(ClientSettings s, Throwable cause) {
        String where = s.host() + ":" + s.port();
        String why;
        if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
            why = "unknown host";
        } else if (cause instanceof ConnectException && String.valueOf(cause.getMessage()).contains("refused")) {
            why = "connection refused — is the server running?";
        } else if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            why = "timed out after " + s.connectTimeout().toMillis() + " ms";
        } else if (cause instanceof NoRouteToHostException) {
            why = "no route to host";
        } else {
            why = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
        }
        return new ClientException(ExitCodes.CANNOT_CONNECT,
                "cannot connect to " + where + (s.udp() ? " (UDP)" : "") + ": " + why, cause);
    }

    static ClientException tlsHandshakeFailed(ClientSettings s, Throwable cause) {
        String why = String.valueOf(cause.getMessage());
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof CertPathBuilderException) { // the JDK says "PKIX path building failed: ..."
                why = "the server's certificate is not signed by a CA this client trusts (name it with --tls-ca)";
            }
        }
        return new ClientException(ExitCodes.CANNOT_CONNECT,
                "TLS handshake with " + s.host() + ":" + s.port() + " failed: " + why, cause);
    }
}
