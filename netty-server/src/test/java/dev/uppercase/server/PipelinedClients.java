package dev.uppercase.server;

import dev.uppercase.testing.UpperCaseReference;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many clients streaming numbered lines the way a real pipelining client does: each connection keeps at most
 * {@code window} lines unanswered, writes them in batches, and checks every reply as it comes (the upper case of its
 * line, in order, none missing), until the server ends the stream; then it closes. The last reply may answer a partial
 * line (a stopping server answers what it has read): it has no terminator and is a prefix of the expected reply.
 *
 * <p>One thread and one selector drive them all, so the load leaves the event loops their share of the machine
 * however slow it is: the test checks what was answered, never how fast.
 */
final class PipelinedClients implements AutoCloseable {
    private final List<Client> clients = new ArrayList<>();
    private final Selector selector;
    private final int window;
    private final Thread thread;
    private final CountDownLatch ended;
    private final AtomicLong replies = new AtomicLong();
    private volatile boolean closing;

    PipelinedClients(InetSocketAddress server, int connections, int window) throws IOException {
        this.window = window;
        this.selector = Selector.open();
        this.ended = new CountDownLatch(connections);
        for (int id = 0; id < connections; id++) {
            SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(server, 5_000);
            ch.configureBlocking(false);
            Client c = new Client(id, ch);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            clients.add(c);
        }
        thread = new Thread(this::run, "pipelined-clients");
        thread.setDaemon(true);
    }

    void start() {
        clients.forEach(Client::fill);
        thread.start();
    }

    /** Replies received so far, over every connection. */
    long replies() {
        return replies.get();
    }

    /** True once every connection has had at least {@code n} replies. */
    boolean everyClientHasReplies(long n) {
        return clients.stream().allMatch(c -> c.answered >= n);
    }

    /**
     * Waits for every connection to reach the end of its stream, and returns the total of replies; fails naming the
     * first client that got a wrong reply, an error, or no end of stream by the deadline.
     */
    long awaitEnd(Duration timeout) throws InterruptedException {
        boolean all = ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<String> failures = new ArrayList<>();
        for (Client c : clients) {
            if (c.failure != null) {
                failures.add(c.failure);
            } else if (!c.ended) {
                failures.add("client " + c.id + ": no end of stream after " + c.answered + " replies");
            }
        }
        if (!all || !failures.isEmpty()) {
            throw new AssertionError(failures.size() + " client(s) failed, first: "
                    + (failures.isEmpty() ? "none" : failures.get(0)));
        }
        return replies.get();
    }

    private void run() {
        try {
            while (!closing && ended.getCount() > 0) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Client c = (Client) key.attachment();
                    if (key.isValid() && key.isReadable()) {
                        c.read();
                    }
                    if (key.isValid() && key.isWritable()) {
                        c.write();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            clients.forEach(c -> c.fail("the client thread failed: " + e));
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        selector.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Client c : clients) {
            c.channel.close();
        }
        selector.close();
    }

    private final class Client {
        private final int id;
        private final SocketChannel channel;
        private final ByteBuffer out = ByteBuffer.allocate(64 * 1024).flip();
        private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        private SelectionKey key;
        private long sent;
        private volatile long answered;
        private volatile boolean ended;
        private volatile String failure;

        Client(int id, SocketChannel channel) {
            this.id = id;
            this.channel = channel;
        }

        private byte[] line(long n) {
            return ("client " + id + " line " + n + "\n").getBytes(StandardCharsets.UTF_8);
        }

        /** Queues lines up to the window, in one buffer, and writes what the socket takes. */
        void fill() {
            if (ended || out.hasRemaining() || sent - answered > window / 2) {
                return;
            }
            out.clear();
            while (sent - answered < window) {
                out.put(line(sent++));
            }
            out.flip();
            write();
        }

        void write() {
            try {
                channel.write(out);
            } catch (IOException e) {
                return; // the server has stopped reading and closed: the reading side reports what matters
            }
            if (key.isValid()) {
                key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                        : SelectionKey.OP_READ);
            }
        }

        void read() {
            int n;
            try {
                n = channel.read(in);
            } catch (IOException e) {
                fail("client " + id + ": " + e + " after " + answered + " replies");
                return;
            }
            in.flip();
            int start = 0;
            for (int i = 0; i < in.limit() && failure == null; i++) {
                if (in.get(i) == '\n') {
                    check(start, i + 1, true);
                    start = i + 1;
                }
            }
            if (n < 0) {
                if (start < in.limit()) {
                    check(start, in.limit(), false);
                }
                end();
                return;
            }
            in.position(start).compact();
            fill();
        }

        private void check(int from, int to, boolean whole) {
            byte[] reply = new byte[to - from];
            in.get(from, reply);
            String expected = UpperCaseReference.upper(new String(line(answered), StandardCharsets.UTF_8));
            String got = new String(reply, StandardCharsets.UTF_8);
            if (whole ? !expected.equals(got) : !expected.startsWith(got)) {
                fail("client " + id + ": reply " + answered + " is '" + got + "', expected '" + expected + "'");
                return;
            }
            answered++;
            replies.incrementAndGet();
        }

        private void end() {
            if (failure == null) {
                ended = true;
                ended();
            }
            close();
        }

        void fail(String why) {
            if (failure == null && !ended) {
                failure = why;
                ended();
            }
            close();
        }

        private void ended() {
            PipelinedClients.this.ended.countDown();
        }

        private void close() {
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after the end: nothing left to tell
            }
        }
    }
}
