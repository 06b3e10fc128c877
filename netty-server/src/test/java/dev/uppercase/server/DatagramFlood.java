package dev.uppercase.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A datagram flood in a process of its own, so that the server's JVM holds no busy client thread: sends one small
 * datagram after another to a port and never reads a reply, until its standard input ends (the test's stop) or it
 * has sent its limit.
 */
final class DatagramFlood {
    private DatagramFlood() {}

    /** Starts a flood at {@code target}; end it by closing its standard input, or by its handle. */
    static Process start(InetSocketAddress target, long limit) throws IOException {
        return new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DatagramFlood.class.getName(),
                target.getAddress().getHostAddress(), "" + target.getPort(), "" + limit)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long limit = Long.parseLong(args[2]);
        AtomicBoolean stop = new AtomicBoolean();
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing to read: the end of input is the signal
                }
            } catch (IOException ignored) {
                // the parent is gone: stop too
            }
            stop.set(true);
        });
        stdin.setDaemon(true);
        stdin.start();
        byte[] payload = "flood flood flood flood".getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket socket = new DatagramSocket()) {
            DatagramPacket packet = new DatagramPacket(payload, payload.length, target);
            for (long sent = 0; sent < limit && !stop.get(); sent++) {
                socket.send(packet);
            }
        }
    }
}
