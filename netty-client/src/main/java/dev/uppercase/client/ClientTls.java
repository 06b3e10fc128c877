package dev.uppercase.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/** The client's TLS context: TLS 1.2+, the server's certificate and name checked as HTTPS clients check them. */
final class ClientTls {
    private ClientTls() {}

    static SslContext context(ClientSettings.Tls tls) throws ClientException {
        for (Path file : new Path[] {tls.ca(), tls.cert(), tls.key()}) {
            if (file != null && (!Files.isReadable(file) || Files.isDirectory(file))) {
                throw new ClientException(ExitCodes.USAGE, file + ": not a readable file");
            }
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .endpointIdentificationAlgorithm("HTTPS");
            if (tls.ca() != null) {
                builder.trustManager(tls.ca().toFile());
            }
            if (tls.cert() != null) {
                builder.keyManager(tls.cert().toFile(), tls.key().toFile());
            }
            return builder.build();
        } catch (Exception e) { // SSLException, or IllegalArgumentException for a file that holds no PEM
            throw new ClientException(ExitCodes.USAGE, "cannot use the TLS files given: " + e.getMessage(), e);
        }
    }
}
