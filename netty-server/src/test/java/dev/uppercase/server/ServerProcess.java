package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server as a process of its own, with JVM flags of the test's choosing (a small heap): its log kept as it comes,
 * its ports read off its ready line. Ended by PID on close if it is still running.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready: tcp 127\\.0\\.0\\.1:(\\d+), udp 127\\.0\\.0\\.1:(\\d+)"
            + "(?:, tls 127\\.0\\.0\\.1:(\\d+))?(?:, http 127\\.0\\.0\\.1:(\\d+))?");

    private final Process process;
    private final StringBuffer log = new StringBuffer();
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Matcher readyLine;

    /** Starts the server's main class from the test classpath, on loopback; returns once it logged its ready line. */
    ServerProcess(List<String> jvmFlags, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED"); // as the jar's manifest grants it
        }
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
                "--bind", "127.0.0.1", "--port", "0"));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(this::readLog, "server-process-log");
        reader.setDaemon(true);
        reader.start();
        assertTrue(ready.await(60, TimeUnit.SECONDS) && readyLine != null, "no ready line: " + log);
    }

    private void readLog() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                log.append(line).append('\n');
                Matcher m = READY.matcher(line);
                if (readyLine == null && m.find()) {
                    readyLine = m;
                    ready.countDown();
                }
            }
        } catch (IOException ended) {
            // the process is gone
        } finally {
            ready.countDown();
        }
    }

    InetSocketAddress tcp() {
        return address(1);
    }

    InetSocketAddress udp() {
        return address(2);
    }

    InetSocketAddress tls() {
        return address(3);
    }

    InetSocketAddress http() {
        return address(4);
    }

    private InetSocketAddress address(int group) {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(readyLine.group(group)));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process has logged so far (standard output and error). */
    String log() {
        return log.toString();
    }

    /** The descriptors the process has open now (Linux). */
    long openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
            return fds.count();
        }
    }

    /** SIGTERM; the exit code, once the process has ended within {@code seconds}. */
    int stop(int seconds) throws InterruptedException {
        signalStop();
        return awaitExit(seconds);
    }

    /** SIGTERM, without waiting: the stop begins (a drain), and the test watches it. */
    void signalStop() {
        process.toHandle().destroy();
    }

    /** SIGKILL, as {@code kill -9}: no drain, no goodbye; the exit code once it has gone. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return awaitExit(10);
    }

    /** The exit code, once the process has ended within {@code seconds}; fails if it has not. */
    int awaitExit(int seconds) throws InterruptedException {
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "the server did not end within " + seconds + " s");
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly(); // by handle, i.e. by PID: only what this test started
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
