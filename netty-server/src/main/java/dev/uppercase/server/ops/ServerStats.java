package dev.uppercase.server.ops;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the server has done and refused: counted by the handlers, read by the metrics endpoint and tests.
 */
public final class ServerStats {
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsRejected = new LongAdder();
    private final LongAdder connectionsFiltered = new LongAdder();
    private final LongAdder datagramsFiltered = new LongAdder();
    private final LongAdder idleClosed = new LongAdder();
    private final AtomicLong peakPendingOutboundBytes = new AtomicLong();
    private final LongAdder linesReceived = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder decodeReplaced = new LongAdder();
    private final LongAdder datagramsReceived = new LongAdder();
    private final LongAdder linesTooLong = new LongAdder();
    private final LongAdder datagramsAnswered = new LongAdder();
    private final LongAdder datagramsTooLarge = new LongAdder();
    private final LongAdder repliesTooLarge = new LongAdder();
    private final LongAdder tlsFailed = new LongAdder();
    private final LongAdder datagramsRateLimited = new LongAdder();
    private final LongAdder internalErrors = new LongAdder();

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    /** Connections turned away at the connection limit. */
    public long connectionsRejected() {
        return connectionsRejected.sum();
    }

    /** Connections closed unanswered because their source is not allowed (--allow, --deny). */
    public long connectionsFiltered() {
        return connectionsFiltered.sum();
    }

    /** Datagrams dropped unanswered because their source is not allowed (--allow, --deny). */
    public long datagramsFiltered() {
        return datagramsFiltered.sum();
    }

    /** Connections closed for sending no complete line for the idle timeout. */
    public long idleClosed() {
        return idleClosed.sum();
    }

    /** Connections closed because serving them failed (a defect: each is logged with its cause). */
    public long internalErrors() {
        return internalErrors.sum();
    }

    /** The most reply bytes ever queued for one connection that was not reading them (0 if none ever filled up). */
    public long peakPendingOutboundBytes() {
        return peakPendingOutboundBytes.get();
    }

    // What the handlers count, each where it happens: per connection, per read batch or per datagram, never per line.

    public void countConnectionOpened() {
        connectionsOpened.increment();
    }

    public void countConnectionRejected() {
        connectionsRejected.increment();
    }

    public void countConnectionFiltered() {
        connectionsFiltered.increment();
    }

    public void countIdleClose() {
        idleClosed.increment();
    }

    public void countInternalError() {
        internalErrors.increment();
    }

    public void countLines(long lines) {
        linesReceived.add(lines);
    }

    public void countDecodeReplaced(long linesOrDatagrams) {
        decodeReplaced.add(linesOrDatagrams);
    }

    public void countLineTooLong() {
        linesTooLong.increment();
    }

    public void countBytesIn(long bytes) {
        bytesIn.add(bytes);
    }

    public void countBytesOut(long bytes) {
        bytesOut.add(bytes);
    }

    public void countTlsFailure() {
        tlsFailed.increment();
    }

    public void countDatagramReceived() {
        datagramsReceived.increment();
    }

    public void countDatagramFiltered() {
        datagramsFiltered.increment();
    }

    public void countDatagramRateLimited() {
        datagramsRateLimited.increment();
    }

    public void countDatagramAnswered() {
        datagramsAnswered.increment();
    }

    public void countDatagramTooLarge() {
        datagramsTooLarge.increment();
    }

    public void countReplyTooLarge() {
        repliesTooLarge.increment();
    }

    /** Counts a decoded line or datagram that holds U+FFFD. O(1) for Latin-1 text, which cannot hold it. */
    public void noteDecoded(String text) {
        if (text.indexOf('\uFFFD') >= 0) {
            decodeReplaced.increment();
        }
    }

    public void recordPendingOutbound(Channel ch) {
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        if (buffer != null) {
            peakPendingOutboundBytes.accumulateAndGet(buffer.totalPendingWriteBytes(), Math::max);
        }
    }

    /** TCP request lines handed to the transform (partial lines answered on a quiet period or close included). */
    public long linesReceived() {
        return linesReceived.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Lines and datagrams whose text held U+FFFD: bytes that were not UTF-8 (or a U+FFFD that was sent). */
    public long decodeReplaced() {
        return decodeReplaced.sum();
    }

    public long datagramsReceived() {
        return datagramsReceived.sum();
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

    /** Datagrams dropped unanswered because their source had had its --udp-reply-rate. */
    public long datagramsRateLimited() {
        return datagramsRateLimited.sum();
    }

    /** TLS connections that failed their handshake, or spoke plain text to the TLS port. */
    public long tlsFailed() {
        return tlsFailed.sum();
    }

    /** Datagrams whose upper case would have been over the maximum size, so no reply was sent. */
    public long repliesTooLarge() {
        return repliesTooLarge.sum();
    }
}
