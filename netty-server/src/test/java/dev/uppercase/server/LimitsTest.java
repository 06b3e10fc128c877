package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.tcp.TcpServerInitializer;
import dev.uppercase.server.transport.Transport;
import dev.uppercase.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** Each configurable limit at its edge: what a client sees there, and that the server keeps serving everyone else. */
@OnEveryTransport
class LimitsTest {
    @Parameter
    Transport transport;


    @Test
    void aConnectionOverTheLimitIsToldSoAndClosedAndCounted() throws Exception {
        try (UppercaseServer server = Servers.start(transport, "--max-connections", "3")) {
            List<PlainTcpClient> admitted = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    PlainTcpClient c = new PlainTcpClient(server.tcpAddress());
                    admitted.add(c);
                    assertEquals("CLIENT " + i + "\n", c.send("client " + i + "\n").readLine(), "at the limit: served");
                }
                try (PlainTcpClient fourth = new PlainTcpClient(server.tcpAddress())) {
                    assertEquals(ErrorReplies.tooManyConnections(3), fourth.readLine());
                    assertNull(fourth.readLine(), "then closed");
                }
                assertEquals(1, server.stats().get(Counter.CONNECTIONS_REJECTED));
                assertEquals("STILL SERVED\n", admitted.get(0).send("still served\n").readLine());

                admitted.remove(0).close();
                Await.until("a place is free", () -> server.connectionCount() == 2);
                try (PlainTcpClient again = new PlainTcpClient(server.tcpAddress())) {
                    assertEquals("WELCOME BACK\n", again.send("welcome back\n").readLine());
                }
            } finally {
                for (PlainTcpClient c : admitted) {
                    c.close();
                }
            }
        }
    }

    @Test
    void aSilentConnectionIsClosedAtTheIdleTimeoutWithOneLine() throws Exception {
        try (UppercaseServer server = Servers.start(transport, "--idle-timeout", "300ms")) {
            long start = System.nanoTime(); // before connecting: the server's clock starts when it accepts
            try (PlainTcpClient silent = new PlainTcpClient(server.tcpAddress())) {
                assertEquals(ErrorReplies.idleTimeout(300), silent.readLine());
                assertNull(silent.readLine());
            }
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "not before the timeout");
            assertEquals(1, server.stats().get(Counter.IDLE_CLOSED));
        }
    }

    @Test
    void aSlowlorisDripIsClosedOnTheSameClock() throws Exception {
        try (UppercaseServer server = Servers.start(transport, "--idle-timeout", "500ms", "--quiet-period", "0");
                PlainTcpClient drip = new PlainTcpClient(server.tcpAddress())) {
            CompletableFuture<String> firstReply = CompletableFuture.supplyAsync(() -> {
                try {
                    return drip.readLine();
                } catch (IOException e) {
                    return e.toString();
                }
            });
            long start = System.nanoTime();
            // One byte every 100 ms, never a newline: bytes arrive, but no line ever completes.
            while (!firstReply.isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                try {
                    drip.send("x");
                } catch (IOException closed) {
                    break;
                }
                Thread.sleep(100); // the drip's pace is what is under test
            }
            assertEquals(ErrorReplies.idleTimeout(500), firstReply.get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClientSendingLinesKeepsItsConnectionPastTheIdleTimeout() throws Exception {
        try (UppercaseServer server = Servers.start(transport, "--idle-timeout", "2s");
                PlainTcpClient busy = new PlainTcpClient(server.tcpAddress())) {
            long start = System.nanoTime();
            int i = 0;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(5_000)) {
                assertEquals("LINE " + i + "\n", busy.send("line " + i + "\n").readLine());
                i++;
                Thread.sleep(100); // a line every 100 ms: a stall of almost 2 s would be needed to miss the timeout
            }
            assertEquals(0, server.stats().get(Counter.IDLE_CLOSED));
        }
    }

    /**
     * Writes a burst of lines the client does not read at once, on another thread: the server stops reading it, and
     * the write blocks until the server discards what it has not read. Done when written, or when the server closed
     * (which, for these tests, is the point).
     */
    private static CompletableFuture<Void> burst(OutputStream out, int lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            text.append("line ").append(i).append(" of a burst the client does not read at once\n");
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return CompletableFuture.runAsync(() -> {
            try {
                out.write(bytes);
            } catch (IOException closed) {
                // the server ended the connection while the client still wrote
            }
        });
    }

    @Test
    void theIdleTimeoutClosesAClientThatDoesNotReadWithinTheLinger() throws Exception {
        try (UppercaseServer server = Servers.start(transport, "--idle-timeout", "1s", "--linger-timeout", "1s");
                Socket stubborn = new Socket()) {
            stubborn.setReceiveBufferSize(4096); // a small window: the server's replies back up at once
            stubborn.connect(server.tcpAddress());
            CompletableFuture<Void> written = burst(stubborn.getOutputStream(), 60_000); // about 3.5 MB, never read
            Await.until("the idle timeout to close it though it reads nothing",
                    () -> server.stats().get(Counter.IDLE_CLOSED) == 1 && server.connectionCount() == 0);
            written.get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * The close the server starts is a lingering one: the client, which had stopped reading with requests still unread
     * by the server, reads late and gets every reply and the idle line, then end of stream; not a reset, which would
     * have destroyed them.
     */
    @Test
    void aClientThatReadsLateGetsEveryReplyAndTheIdleLineNotAReset() throws Exception {
        int lines = 200_000; // about 12 MB: more than the sockets hold, so the server has unread input at the end
        try (UppercaseServer server = Servers.start(transport, "--idle-timeout", "1s", "--linger-timeout", "60s",
                "--write-buffer-size", "4096");
                PlainTcpClient late = new PlainTcpClient(server.tcpAddress())) {
            CompletableFuture<Void> written = burst(late.rawOutput(), lines);
            Await.until("the idle timeout", () -> server.stats().get(Counter.IDLE_CLOSED) == 1);
            written.get(60, TimeUnit.SECONDS);
            int answered = 0;
            String line;
            while ((line = late.readLine()) != null && !ErrorReplies.isErrorReply(line)) {
                assertEquals(("line " + answered + " of a burst the client does not read at once\n")
                        .toUpperCase(Locale.ROOT), line);
                answered++;
            }
            assertEquals(ErrorReplies.idleTimeout(1000), line, "after " + answered + " replies");
            assertNull(late.readLine(), "then end of stream");
            assertTrue(answered > 0 && answered <= lines, answered + " replies");
            assertEquals(server.stats().get(Counter.LINES_IN), answered, "every line answered reached the client");
        }
    }

    @Test
    void aNeverEndingGibibyteLineIsNeverBufferedAndTheConnectionGoesOn() throws Exception {
        int max = 64 * 1024;
        try (UppercaseServer server = Servers.start(transport);
                PlainTcpClient c = new PlainTcpClient(server.tcpAddress())) {
            byte[] chunk = new byte[1024 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            OutputStream raw = c.rawOutput();
            for (int i = 0; i < 1024; i++) { // 1 GiB, no newline
                raw.write(chunk);
                if (i % 64 == 0) {
                    int held = Servers.maxBufferedLineBytes(server);
                    assertTrue(held <= max + chunk.length, "the server holds " + held + " bytes of the line");
                }
            }
            assertTrue(Servers.maxBufferedLineBytes(server) <= max + chunk.length);
            c.send("\nnext\n");
            assertEquals(ErrorReplies.lineTooLong(max), c.readLine());
            assertEquals("NEXT\n", c.readLine());
        }
    }

    @Test
    void aClientThatDoesNotReadStopsBeingReadAndLosesNoReply() throws Exception {
        int writeBuffer = 64 * 1024;
        int lineLength = 16 * 1024;
        long lines = 512L * 1024 * 1024 / lineLength; // 512 MiB of requests
        try (UppercaseServer server = Servers.start(transport, "--write-buffer-size", "" + writeBuffer);
                Socket stubborn = new Socket()) {
            stubborn.connect(server.tcpAddress());
            stubborn.setSoTimeout(60_000);
            byte[] line = new byte[lineLength];
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = stubborn.getOutputStream();
                    for (long i = 0; i < lines; i++) {
                        fillLine(line, i);
                        out.write(line);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });

            // The server stops reading once its buffer for this client is full: the sender blocks, far from done.
            Await.until("the server to hold replies for the client",
                    () -> server.stats().peakPendingOutboundBytes() > 0);
            try (PlainTcpClient other = new PlainTcpClient(server.tcpAddress())) {
                for (int i = 0; i < 100; i++) {
                    assertEquals("OTHER " + i + "\n", other.send("other " + i + "\n").readLine());
                }
            }
            // What the server took from it is what the kernel's socket buffers hold (MiBs on loopback), not 512 MiB.
            long answered = server.stats().get(Counter.LINES_IN) - 100;
            assertTrue(answered < lines / 8, answered + " of " + lines
                    + " lines read from a client that reads nothing");
            assertTrue(!sender.isDone(), "512 MiB cannot have gone into a server that stopped reading");

            // Now it reads: every reply arrives, in order.
            byte[] expected = new byte[lineLength];
            byte[] reply = new byte[lineLength];
            var in = new java.io.BufferedInputStream(stubborn.getInputStream(), 256 * 1024);
            for (long i = 0; i < lines; i++) {
                assertEquals(lineLength, in.readNBytes(reply, 0, lineLength));
                fillLine(expected, i);
                for (int k = 0; k < lineLength - 1; k++) {
                    expected[k] = (byte) Character.toUpperCase(expected[k]);
                }
                if (!Arrays.equals(expected, reply)) {
                    throw new AssertionError("reply " + i + " is wrong");
                }
            }
            sender.get(60, TimeUnit.SECONDS);
            // When it stopped reading: the high watermark, passed by at most one chunk of replies and the reply that
            // filled it.
            long bound = writeBuffer + TcpServerInitializer.REPLY_CHUNK + 3L * lineLength;
            assertTrue(server.stats().peakPendingOutboundBytes() <= bound,
                    "peak pending " + server.stats().peakPendingOutboundBytes() + " > " + bound);
        }
    }

    /** A line of lower-case letters numbered {@code i}, newline-terminated. */
    private static void fillLine(byte[] line, long i) {
        String number = Long.toString(i);
        for (int k = 0; k < line.length - 1; k++) {
            line[k] = k < number.length() ? (byte) number.charAt(k) : (byte) ('a' + (i + k) % 26);
        }
        line[line.length - 1] = '\n';
    }
}
