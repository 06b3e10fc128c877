package dev.uppercase.client.bench;

import dev.uppercase.codec.Uppercase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * What every load of one bench run shares: the requests it sends (numbered, so any reply can be checked and matched),
 * the latencies and the count of replies it records, its errors, and whether it is still running.
 */
final class Measurement {
    final Recorder latency = new Recorder(3);
    final AtomicLong done = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    private final int size;
    private volatile String firstError;
    private volatile boolean running = true;

    Measurement(int size) {
        this.size = size;
    }

    int size() {
        return size;
    }

    boolean running() {
        return running;
    }

    void stop() {
        running = false;
    }

    /** A reply came, {@code sentNanos} after its request was sent. */
    void replied(long sentNanos) {
        latency.recordValue(System.nanoTime() - sentNanos);
        done.incrementAndGet();
    }

    void error(String what) {
        if (errors.getAndIncrement() == 0) {
            firstError = what;
        }
    }

    String firstError() {
        return firstError;
    }

    /** Request {@code n}: {@code size} bytes of lower-case text that begin with its number. */
    byte[] request(long n) {
        byte[] p = new byte[size];
        String number = Long.toString(n, 26); // digits and a-p: upper-cased in the reply, still readable
        for (int i = 0; i < size; i++) {
            p[i] = i < number.length() ? (byte) number.charAt(i) : (byte) ('a' + (n + i) % 26);
        }
        return p;
    }

    static byte[] upper(byte[] request) {
        return Uppercase.toUtf8(new String(request, StandardCharsets.UTF_8));
    }

    /** {@code reply} is {@code expected} and its newline: a reply the connection's end cut short has none. */
    static boolean isWholeReply(ByteBuf reply, byte[] expected) {
        return reply.readableBytes() == expected.length + 1
                && ByteBufUtil.equals(reply, reply.readerIndex(), Unpooled.wrappedBuffer(expected), 0, expected.length);
    }
}
