package dev.uppercase.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made when first asked for (no key material is committed): a test CA, a server
 * certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1} signed by it, a client certificate signed by
 * it, and a self-signed client certificate the CA never saw. Made with the JDK's own {@code keytool} (EC P-256), then
 * written as PEM the way {@code openssl} writes them: the certificate, and the key unencrypted in PKCS#8.
 */
public final class TestCertificates {
    private static final String PASSWORD = "test-only";
    private static TestCertificates made;

    /** A certificate and its private key, as PEM files. */
    public record Pair(Path cert, Path key) {}

    private final Path caCert;
    private final Pair server;
    private final Pair client;
    private final Pair strangerClient;

    private TestCertificates(Path dir) throws IOException {
        keytool(dir, "-genkeypair", "-alias", "ca", "-dname", "CN=uppercase test CA", "-ext", "bc:c",
                "-keystore", "ca.p12");
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        caCert = dir.resolve("ca.pem");
        server = signed(dir, "server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1,ip:0:0:0:0:0:0:0:1",
                "EKU=serverAuth");
        client = signed(dir, "client", "CN=uppercase test client", "EKU=clientAuth");
        keytool(dir, "-genkeypair", "-alias", "stranger", "-dname", "CN=stranger", "-keystore", "stranger.p12");
        keytool(dir, "-exportcert", "-rfc", "-alias", "stranger", "-keystore", "stranger.p12", "-file",
                "stranger.pem");
        strangerClient = new Pair(dir.resolve("stranger.pem"), writeKey(dir, "stranger"));
    }

    /** The certificates of this test JVM, made on first use in a temporary directory. */
    public static synchronized TestCertificates get() {
        if (made == null) {
            try {
                Path dir = Files.createTempDirectory("uppercase-tls");
                dir.toFile().deleteOnExit();
                made = new TestCertificates(dir);
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().deleteOnExit());
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot make test certificates: " + e.getMessage(), e);
            }
        }
        return made;
    }

    /** The test CA's certificate (PEM): what a client trusts, and what the server trusts client certificates by. */
    public Path caCert() {
        return caCert;
    }

    /** A server certificate for localhost, 127.0.0.1 and ::1, signed by the CA. */
    public Pair server() {
        return server;
    }

    /** A client certificate signed by the CA. */
    public Pair client() {
        return client;
    }

    /** A self-signed client certificate: a server trusting only the CA must refuse it. */
    public Pair strangerClient() {
        return strangerClient;
    }

    private static Pair signed(Path dir, String name, String subject, String... extensions) throws IOException {
        String store = name + ".p12";
        keytool(dir, "-genkeypair", "-alias", name, "-dname", subject, "-keystore", store);
        keytool(dir, "-certreq", "-alias", name, "-keystore", store, "-file", name + ".csr");
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12",
                "-infile", name + ".csr", "-outfile", name + ".pem"));
        for (String extension : extensions) {
            gencert.addAll(List.of("-ext", extension));
        }
        keytool(dir, gencert.toArray(String[]::new));
        return new Pair(dir.resolve(name + ".pem"), writeKey(dir, name));
    }

    /** Writes the key of {@code name.p12} as an unencrypted PKCS#8 PEM file. */
    private static Path writeKey(Path dir, String name) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD.toCharArray());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            return Files.writeString(dir.resolve(name + ".key"), pem, StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key of " + name + ": " + e.getMessage(), e);
        }
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-noprompt",
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        command.addAll(List.of(args));
        if (List.of(args).contains("-genkeypair")) {
            command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        }
        Process keytool = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            keytool.getOutputStream().close();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                keytool.destroyForcibly();
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
