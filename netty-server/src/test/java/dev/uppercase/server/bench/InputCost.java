package dev.uppercase.server.bench;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each kind of input costs the server, in CPU time per request byte, over loopback: the evidence behind
 * docs/limits.md, "Input cost". Starts the server jar as a process of its own (its CPU time is read from the OS, so the
 * client's work is not counted), sends each kind of input, reads every reply, and prints a table of nanoseconds of
 * server CPU per request byte and the ratio to ASCII lines at the limit. Three rounds; medians.
 *
 * <pre> mvn -B -ntp -DskipTests package java -cp netty-server/target/test-classes dev.uppercase.server.bench.InputCost
 * netty-server/target/netty-server.jar
 * </pre>
 *
 * A second argument, a regular expression, keeps only the cases whose names it finds ({@code 'TCP (ASCII|ß)'}).
 */
public final class InputCost {
    private static final Pattern READY = Pattern.compile(
            "ready: tcp 127\\.0\\.0\\.1:(\\d+), udp 127\\.0\\.0\\.1:(\\d+)");
    private static final int LINE_LIMIT = 64 * 1024;
    private static final int DATAGRAM_LIMIT = 65_507;
    /** Request bytes per case and round: enough for a second or so of server CPU, whose clock ticks every 10 ms. */
    private static final long VOLUME = 48L << 20;

    private final InetSocketAddress tcp;
    private final InetSocketAddress udp;

    private InputCost(InetSocketAddress tcp, InetSocketAddress udp) {
        this.tcp = tcp;
        this.udp = udp;
    }

    /** One kind of input: how to send {@code bytes} of it and wait for every answer. */
    private interface Case {
        void run(long bytes) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        String jar = args.length > 0 ? args[0] : "netty-server/target/netty-server.jar";
        Pattern only = Pattern.compile(args.length > 1 ? args[1] : ""); // the cases whose names it finds
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-jar", jar, "--bind", "127.0.0.1", "--port", "0")
                .redirectErrorStream(true).start();
        try {
            BufferedReader log = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            Matcher ready = null;
            for (String line; ready == null && (line = log.readLine()) != null; ) {
                Matcher m = READY.matcher(line);
                ready = m.find() ? m : null;
            }
            if (ready == null) {
                throw new IllegalStateException("the server did not start");
            }
            Thread drain = new Thread(() -> {
                try {
                    log.transferTo(Writer.nullWriter());
                } catch (IOException e) {
                    // the server was stopped: its output is closed, and nothing is left to read
                }
            }, "server-log");
            drain.setDaemon(true);
            drain.start();
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            new InputCost(new InetSocketAddress(loopback, Integer.parseInt(ready.group(1))),
                    new InetSocketAddress(loopback, Integer.parseInt(ready.group(2)))).measure(server.toHandle(), only);
        } finally {
            server.destroy(); // by its handle: the process this program started
            server.waitFor();
        }
    }

    private void measure(ProcessHandle server, Pattern only) throws IOException {
        Map<String, Case> cases = new LinkedHashMap<>();
        byte[] ascii = text("abcdefghij klmnopqrst uvwxyz 0"); // 31 bytes: with its newline, a 32-byte line
        cases.put("TCP ASCII, lines at the limit", b -> lines(ascii, LINE_LIMIT, b));
        cases.put("TCP ASCII, 32-byte lines", b -> lines(ascii, ascii.length, b));
        cases.put("TCP ß, lines at the limit", b -> lines(text("ß"), LINE_LIMIT, b));
        cases.put("TCP ß, 4 KiB lines", b -> lines(text("ß"), 4096, b));
        cases.put("TCP ΐ (3x growth), lines at the limit", b -> lines(text("ΐ"), LINE_LIMIT, b));
        cases.put("TCP every growing character, at the limit", b -> lines(text(growing()), LINE_LIMIT, b));
        cases.put("TCP ASCII and é alternating, at the limit", b -> lines(text("aé"), LINE_LIMIT, b));
        cases.put("TCP emoji, lines at the limit", b -> lines(text("😀"), LINE_LIMIT, b));
        cases.put("TCP invalid bytes (0xFF), at the limit", b -> lines(new byte[] {(byte) 0xFF}, LINE_LIMIT, b));
        cases.put("TCP exactly the limit, CR LF split across writes", this::exactLimitSplitCrLf);
        cases.put("TCP over the limit (1 MiB lines, discarded)", b -> lines(text("x"), 16 * LINE_LIMIT, b));
        cases.put("TCP one byte per write (1/64 of the volume)", b -> oneBytePerWrite(b / 64));
        cases.put("UDP ASCII, 64-byte datagrams (1/16 of the volume)", b -> datagrams(text("abcdefgh"), 64, b / 16));
        cases.put("UDP ASCII, datagrams at the limit", b -> datagrams(text("abcdefgh"), DATAGRAM_LIMIT, b));
        cases.put("UDP ΐ, reply at the limit", b -> datagrams(text("ΐ"), DATAGRAM_LIMIT / 3, b));
        cases.put("UDP ΐ at the limit (reply too large, dropped)", b -> datagrams(text("ΐ"), DATAGRAM_LIMIT, b));

        cases.keySet().removeIf(name -> !only.matcher(name).find());
        for (Case c : cases.values()) { // warm-up: the JIT compiles every path before anything is counted
            c.run(VOLUME / 8);
        }
        Map<String, List<Double>> results = new LinkedHashMap<>();
        for (int round = 0; round < 3; round++) {
            for (Map.Entry<String, Case> e : cases.entrySet()) {
                long bytes = volumeOf(e.getKey());
                Duration before = cpu(server);
                e.getValue().run(VOLUME);
                double nanosPerByte = (double) cpu(server).minus(before).toNanos() / bytes;
                results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(nanosPerByte);
            }
        }
        double baseline = median(results.getOrDefault("TCP ASCII, lines at the limit", List.of(Double.NaN)));
        System.out.printf("%-52s %22s %10s%n", "input", "ns CPU per byte (3 runs)", "vs ASCII");
        results.forEach((name, runs) -> System.out.printf("%-52s %22s %9.1fx%n", name,
                String.format("%.2f (%.2f %.2f %.2f)", median(runs), runs.get(0), runs.get(1), runs.get(2)),
                median(runs) / baseline));
    }

    private static long volumeOf(String name) {
        return name.contains("1/64") ? VOLUME / 64 : name.contains("1/16") ? VOLUME / 16 : VOLUME;
    }

    private static Duration cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for " + p.pid()));
    }

    private static double median(List<Double> runs) {
        double[] sorted = runs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String growing() {
        StringBuilder sb = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String s = new String(Character.toChars(cp));
            if (s.toUpperCase(java.util.Locale.ROOT).length() > s.length()) {
                sb.append(s);
            }
        }
        return sb.toString();
    }

    /** A request of up to {@code size} bytes: {@code unit} repeated, whole units only. */
    private static byte[] filled(byte[] unit, int size) {
        int n = size / unit.length;
        byte[] request = new byte[n * unit.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(unit, 0, request, i * unit.length, unit.length);
        }
        return request;
    }

    /** Sends lines of {@code unit} repeated to {@code size} bytes, {@code bytes} in all, on one connection. */
    private void lines(byte[] unit, int size, long bytes) throws IOException {
        byte[] line = Arrays.copyOf(filled(unit, size), filled(unit, size).length + 1);
        line[line.length - 1] = '\n';
        long count = Math.max(1, bytes / line.length);
        stream(count, raw -> {
            OutputStream out = new BufferedOutputStream(raw, 64 * 1024); // pipelined, as a real client writes them
            for (long i = 0; i < count; i++) {
                out.write(line);
            }
            out.flush();
        });
    }

    private void exactLimitSplitCrLf(long bytes) throws IOException {
        byte[] line = Arrays.copyOf(filled(text("x"), LINE_LIMIT), LINE_LIMIT + 1);
        line[LINE_LIMIT] = '\r';
        long count = Math.max(1, bytes / (LINE_LIMIT + 2));
        stream(count, out -> {
            for (long i = 0; i < count; i++) {
                out.write(line);
                out.flush();
                out.write('\n');
            }
        });
    }

    private void oneBytePerWrite(long bytes) throws IOException {
        byte[] line = Arrays.copyOf(filled(text("x"), 4095), 4096);
        line[4095] = '\n';
        long count = Math.max(1, bytes / line.length);
        stream(count, out -> {
            for (long i = 0; i < count; i++) {
                for (byte b : line) {
                    out.write(b);
                }
            }
        });
    }

    private interface Sender {
        void send(OutputStream out) throws IOException;
    }

    /** Sends from a thread of its own while this one reads until {@code lines} replies have come. */
    private void stream(long lines, Sender sender) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(tcp, 5_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    sender.send(out);
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            long seen = 0;
            while (seen < lines) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException("the server closed after " + seen + " of " + lines + " replies");
                }
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        seen++;
                    }
                }
            }
            sending.join();
        }
    }

    /**
     * Sends datagrams of {@code unit} repeated to {@code size} bytes, {@code bytes} in all, up to 32 (32 KiB) at a time
     * followed by a tiny one whose reply says they were handled (same socket, so the same server socket and event
     * loop, in order): paced by the server, so none is lost to a full buffer, and a dropped reply needs no timeout.
     */
    private void datagrams(byte[] unit, int size, long bytes) throws IOException {
        byte[] request = filled(unit, size);
        byte[] marker = text("m");
        long count = Math.max(1, bytes / request.length);
        int batch = Math.max(1, Math.min(32, 32 * 1024 / request.length)); // within the socket buffer
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            socket.setSoTimeout(5_000);
            byte[] buffer = new byte[65_536];
            for (long i = 0; i < count; i += batch) {
                for (int k = 0; k < batch; k++) {
                    socket.send(new DatagramPacket(request, request.length, udp));
                }
                socket.send(new DatagramPacket(marker, marker.length, udp));
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                do {
                    socket.receive(reply);
                } while (reply.getLength() != 1);
            }
        }
    }
}
