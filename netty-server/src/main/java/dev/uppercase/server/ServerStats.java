package dev.uppercase.server;

import java.util.concurrent.atomic.LongAdder;

/** Counters of what the server has done and refused; read by tests and, later, by the metrics endpoint. */
public final class ServerStats {
    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder linesReceived = new LongAdder();
    final LongAdder linesTooLong = new LongAdder();
    final LongAdder datagramsAnswered = new LongAdder();
    final LongAdder datagramsTooLarge = new LongAdder();
    final LongAdder repliesTooLarge = new LongAdder();

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    /** TCP request lines handed to the transform (partial lines answered on a quiet period or close included). */
    public long linesReceived() {
        return linesReceived.sum();
    }

    public long linesTooLong() {
        return linesTooLong.sum();
    }

    public long datagramsAnswered() {
        return datagramsAnswered.sum();
    }

    /** Datagrams that arrived over the maximum size and were dropped unanswered. */
    public long datagramsTooLarge() {
        return datagramsTooLarge.sum();
    }

    /** Datagrams whose upper case would have been over the maximum size, so no reply was sent. */
    public long repliesTooLarge() {
        return repliesTooLarge.sum();
    }
}
