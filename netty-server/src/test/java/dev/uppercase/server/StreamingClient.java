package dev.uppercase.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * A client that streams numbered lines without pause and checks every reply as it comes: the replies must be the
 * upper case of the lines sent, in order, none missing, ending in a clean end of stream. The last reply may be the
 * answer to a partial line (the server answers what it has read when it stops): it then has no terminator and is a
 * prefix of the expected reply. For stop-under-load tests.
 */
final class StreamingClient {
    private final int id;
    private final Socket socket = new Socket();
    private volatile boolean stopSending;
    private volatile long repliesSoFar;
    private CompletableFuture<Long> replies;

    StreamingClient(int id) {
        this.id = id;
    }

    void connect(InetSocketAddress server) throws IOException {
        socket.connect(server, 5_000);
        socket.setSoTimeout(30_000);
    }

    /** Starts sending and checking; the future completes with the count of replies at end of stream. */
    void start(ExecutorService threads) {
        threads.submit(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (long i = 0; !stopSending; i++) {
                    out.write(("client " + id + " line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // the server has stopped and this client has closed: sending ends here
            }
        });
        replies = CompletableFuture.supplyAsync(this::readUntilEnd, threads);
    }

    private long readUntilEnd() {
        try (socket) {
            PlainTcpClient.LineInput in = new PlainTcpClient.LineInput(socket.getInputStream());
            long n = 0;
            String reply;
            while ((reply = in.readLine()) != null) { // a reset would throw here instead of ending the stream
                String expected = "CLIENT " + id + " LINE " + n + "\n";
                boolean lastPartial = !reply.endsWith("\n") && expected.startsWith(reply);
                if (!expected.equals(reply) && !lastPartial) {
                    throw new IllegalStateException("client " + id + ": reply " + n + " is '" + reply + "'");
                }
                n++;
                repliesSoFar = n;
            }
            stopSending = true;
            return n;
        } catch (IOException e) {
            throw new IllegalStateException("client " + id + ": " + e, e);
        }
    }

    long repliesSoFar() {
        return repliesSoFar;
    }

    CompletableFuture<Long> replies() {
        return replies;
    }
}
