package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real HAProxy (Debian's package) in front of server processes, in TCP mode: it sends each server a PROXY protocol
 * v2 header and checks each one's {@code /health/ready}. Its configuration and admin socket live in a directory of its
 * own; it runs in the foreground, as this test's child, and is ended by PID.
 */
final class Haproxy implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/haproxy");

    private final Path dir;
    private final Process process;
    private final InetSocketAddress frontend;

    /** A server behind the balancer: its line port, and its HTTP port for the checks. */
    record Backend(String name, InetSocketAddress tcp, InetSocketAddress http) {
        static Backend of(String name, ServerProcess server) {
            return new Backend(name, server.tcp(), server.http());
        }
    }

    /** HAProxy, installed with apt-get when missing and this is root (as CI is); else the test is skipped. */
    static void assumeInstalled() throws Exception {
        if (!Files.isExecutable(BINARY) && new ProcessBuilder("id", "-u").start().inputReader().readLine().equals("0")
                && Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            install();
        }
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "HAProxy is not installed (apt-get install haproxy)");
    }

    private static void install() throws Exception {
        for (String command : List.of("apt-get install -y --no-install-recommends haproxy",
                "apt-get update", "apt-get install -y --no-install-recommends haproxy")) {
            ProcessBuilder apt = new ProcessBuilder(command.split(" ")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            apt.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = apt.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            if (Files.isExecutable(BINARY)) {
                return;
            }
        }
    }

    Haproxy(List<Backend> backends) throws Exception {
        dir = Files.createTempDirectory("uppercase-haproxy");
        frontend = new InetSocketAddress("127.0.0.1", freePort());
        Files.writeString(dir.resolve("haproxy.cfg"), config(backends));
        process = new ProcessBuilder(BINARY.toString(), "-db", "-f", dir.resolve("haproxy.cfg").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Await.until("HAProxy to listen", this::listening);
        for (Backend b : backends) {
            Await.until(b.name() + " to be up", () -> status(b.name()).startsWith("UP"));
        }
    }

    private String config(List<Backend> backends) {
        StringBuilder c = new StringBuilder("""
                global
                    stats socket %s mode 600 level admin
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 2m
                    timeout server 2m
                    # A check is slow while a server's JIT is cold: only a failed one takes a server out.
                    timeout check 10s
                    # A connection refused by a server that has just gone is tried on another.
                    retries 3
                    option redispatch 1
                frontend lines
                    bind %s:%d
                    default_backend servers
                backend servers
                    balance leastconn
                    option httpchk GET /health/ready
                    http-check expect status 200
                    default-server inter 200ms fall 1 rise 1
                """.formatted(dir.resolve("admin.sock"), frontend.getHostString(), frontend.getPort()));
        for (Backend b : backends) {
            c.append("    server %s %s:%d send-proxy-v2 check port %d%n".formatted(b.name(),
                    b.tcp().getHostString(), b.tcp().getPort(), b.http().getPort()));
        }
        return c.toString();
    }

    /** A port free now, for HAProxy's frontend (it cannot report one the kernel chose); loopback only. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private boolean listening() {
        assertTrue(process.isAlive(), "HAProxy ended: " + log());
        try (Socket s = new Socket()) {
            s.connect(frontend, 1_000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    InetSocketAddress address() {
        return frontend;
    }

    /**
     * The server's state as HAProxy's last check left it, from {@code show stat}: its status ("UP", "DOWN", ...),
     * then the check's status and code, e.g. "DOWN L7STS 503".
     */
    String status(String server) {
        return stat(server, "status") + " " + stat(server, "check_status") + " " + stat(server, "check_code");
    }

    /** One field of {@code show stat} for a server of the backend (e.g. "stot", the connections sent to it). */
    String stat(String server, String field) {
        String[] rows = admin("show stat").split("\n");
        if (rows.length == 0 || !rows[0].startsWith("# ")) {
            return "";
        }
        List<String> header = List.of(rows[0].substring(2).split(",", -1));
        int column = header.indexOf(field);
        for (String row : rows) {
            String[] f = row.split(",", -1);
            if (f.length > column && f[0].equals("servers") && f[1].equals(server)) {
                return f[column];
            }
        }
        return "";
    }

    private String admin(String command) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("admin.sock")));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("haproxy.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // by handle, i.e. by PID: only the HAProxy this test started
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        List<Path> files = new ArrayList<>();
        try (var list = Files.list(dir)) {
            list.forEach(files::add);
        }
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }
}
