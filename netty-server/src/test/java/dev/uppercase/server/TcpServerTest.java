package dev.uppercase.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.server.ops.Counter;
import dev.uppercase.server.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

@OnEveryTransport
class TcpServerTest {
    @Parameter
    Transport transport;

    private static final int MAX_LINE = 1024;

    private UppercaseServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        server = Servers.start(transport, "--max-line-length", "" + MAX_LINE, "--quiet-period", "200ms");
        address = server.tcpAddress();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersOneLine() throws Exception {
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            assertEquals("HELLO, WORLD\n", c.send("hello, world\n").readLine());
        }
    }

    @Test
    void answersEachLineWithItsOwnTerminator() throws Exception {
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            c.send("crlf\r\nlf\n\r\n\nlast\r\n");
            assertEquals("CRLF\r\n", c.readLine());
            assertEquals("LF\n", c.readLine());
            assertEquals("\r\n", c.readLine(), "an empty CRLF line gets an empty CRLF reply");
            assertEquals("\n", c.readLine(), "an empty LF line gets an empty LF reply");
            assertEquals("LAST\r\n", c.readLine());
        }
    }

    @Test
    void answersTenThousandLinesPipelinedInOneWrite() throws Exception {
        StringBuilder request = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            request.append("line ").append(i).append(" straße\n");
        }
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            c.send(request.toString());
            for (int i = 0; i < 10_000; i++) {
                assertEquals("LINE " + i + " STRASSE\n", c.readLine());
            }
        }
    }

    @Test
    void joinsALineSentOneBytePerWriteWithAMultiByteCharacterSplit() throws Exception {
        byte[] line = "ça ß 😀 ok\n".getBytes(StandardCharsets.UTF_8);
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            for (byte b : line) {
                c.send(new byte[] {b});
            }
            assertEquals("ÇA SS 😀 OK\n", c.readLine());
        }
    }

    @Test
    void answersTheTextbookClientThatSendsNoNewlineAndWaits() throws Exception {
        // The textbook TCPClient: send(sentence) with no newline, then recv(1024), then close.
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            c.send("input lowercase sentence");
            assertArrayEquals("INPUT LOWERCASE SENTENCE".getBytes(StandardCharsets.UTF_8), c.readBytes(24));
            c.send(" and then a newline\n");
            assertEquals(" AND THEN A NEWLINE\n", c.readLine(), "the rest of the line is a line of its own");
            c.send("from now on, only whole lines");
            c.send(" are answered\n");
            assertEquals("FROM NOW ON, ONLY WHOLE LINES ARE ANSWERED\n", c.readLine());
        }
    }

    @Test
    void answersAPartialLineWhenTheClientHalfCloses() throws Exception {
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            c.send("first\nhi");
            c.shutdownOutput();
            assertEquals("FIRST\nHI", c.readToEnd(), "replies, then the server closes");
        }
    }

    @Test
    void answersALineOfExactlyTheMaximumLength() throws Exception {
        String max = "x".repeat(MAX_LINE);
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            assertEquals(max.toUpperCase(Locale.ROOT) + "\r\n", c.send(max + "\r\n").readLine());
            assertEquals(max.toUpperCase(Locale.ROOT) + "\n", c.send(max + "\n").readLine());
        }
    }

    @Test
    void answersALineOneByteOverTheMaximumWithTheErrorLineAndGoesOn() throws Exception {
        String over = "é".repeat(MAX_LINE / 2) + "x"; // 1025 bytes, 513 characters: the limit counts bytes
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            c.send("before\n" + over + "\nafter\n");
            assertEquals("BEFORE\n", c.readLine());
            assertEquals(ErrorReplies.lineTooLong(MAX_LINE), c.readLine());
            assertEquals("AFTER\n", c.readLine());
        }
        assertEquals(1, server.stats().get(Counter.LINES_TOO_LONG));
    }

    @Test
    void answersInvalidUtf8WithReplacementCharactersAndKeepsServing() throws Exception {
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            c.send(new byte[] {'a', (byte) 0xFF, 'b', (byte) 0xC0, (byte) 0xAF, 'c', (byte) 0xE2, (byte) 0x82, '\n'});
            // One U+FFFD per maximal invalid subsequence, as Python's errors="replace" gives.
            assertEquals("A\uFFFDB\uFFFD\uFFFDC\uFFFD\n", c.readLine());
            assertEquals("STILL HERE\n", c.send("still here\n").readLine());
        }
    }

    @Test
    void servesTwoHundredConcurrentClientsEachSendingAHundredLines() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int client = 0; client < 200; client++) {
                int id = client;
                results.add(pool.submit(() -> {
                    try (PlainTcpClient c = new PlainTcpClient(address)) {
                        StringBuilder all = new StringBuilder();
                        for (int i = 0; i < 100; i++) {
                            all.append("client ").append(id).append(" line ").append(i).append('\n');
                        }
                        c.send(all.toString());
                        for (int i = 0; i < 100; i++) {
                            assertEquals("CLIENT " + id + " LINE " + i + "\n", c.readLine());
                        }
                        return 100;
                    }
                }));
            }
            int answered = 0;
            for (Future<Integer> r : results) {
                answered += r.get(60, TimeUnit.SECONDS);
            }
            assertEquals(20_000, answered);
        } finally {
            pool.shutdownNow();
            assertEquals(true, pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closesCleanlyWhenTheClientCloses() throws Exception {
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            assertEquals("A\n", c.send("a\n").readLine());
        }
        try (PlainTcpClient c = new PlainTcpClient(address)) {
            c.shutdownOutput();
            assertNull(c.readLine(), "nothing sent, nothing answered, then end of stream");
        }
    }
}
