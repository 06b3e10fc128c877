package dev.uppercase.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Splits the byte stream into request lines, keeping each line's terminator ({@code \n} or {@code \r\n}) so the
 * reply can end the same way. A line longer than {@code maxLength} bytes is discarded as it streams in (never buffered
 * whole) and reported once, when it ends, as a {@link io.netty.handler.codec.TooLongFrameException}.
 *
 * <p>Beyond {@link LineBasedFrameDecoder}, an unterminated partial line is also emitted as a line of its own:
 *
 * <ul>
 *   <li>when the peer half-closes (or the server drains on shutdown), and
 *   <li>when no byte has arrived for {@code quietPeriod} (zero turns this off): the textbook client sends its sentence
 *       with no newline and waits for the reply. A trailing, still incomplete UTF-8 character is held back. This
 *       applies only until the connection's first newline: a client that terminates its lines is never answered
 *       mid-line, however long a line stalls in the network (a TCP retransmission alone takes 200 ms or more).
 * </ul>
 *
 * <p>Made with {@link #runsOfLines}, it emits all the complete lines it holds as one frame (each within the limit,
 * each with its own terminator; a line over the limit still fails alone, in its place): a read of 64 pipelined lines
 * is then one frame, one string and one upper-casing, instead of 64 of each, with the same bytes in the end. A
 * partial line is always a frame of its own.
 *
 * <p>What is read is gathered in a heap buffer, so that each line is a slice with an array behind it: a
 * {@code StringDecoder} then decodes it in place. From a direct read buffer Netty first copies each line out, into a
 * per-thread scratch array up to 1 KiB and into a new array for every longer line.
 *
 * <p>Stateful: one instance per channel.
 */
public final class LineFrameDecoder extends LineBasedFrameDecoder {
    /** Default longest request line, in bytes, not counting its terminator. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

    private final int maxLength;
    private final long quietNanos;
    private final boolean runs;
    private boolean framesLines;
    /** Bytes at the front of the buffer already answered as a partial line, awaiting the rest of their line. */
    private int answered;
    private long lastReadNanos;
    private ScheduledFuture<?> quietCheck;
    /** Bytes read since {@link #takeBytesRead} was last called (once per batch: a few reads). */
    private int bytesRead;

    /** A decoder that emits one line per frame. */
    public LineFrameDecoder(int maxLength, Duration quietPeriod) {
        this(maxLength, quietPeriod, false);
    }

    private LineFrameDecoder(int maxLength, Duration quietPeriod, boolean runs) {
        super(maxLength, false, false);
        this.maxLength = maxLength;
        this.quietNanos = quietPeriod.toNanos();
        this.runs = runs;
        setCumulator(LineFrameDecoder::cumulateOnHeap);
    }

    /** A decoder that emits every complete line it holds, up to a line over the limit, as one frame. */
    public static LineFrameDecoder runsOfLines(int maxLength, Duration quietPeriod) {
        return new LineFrameDecoder(maxLength, quietPeriod, true);
    }

    /** {@link #MERGE_CUMULATOR}, but into a heap buffer: one copy of each read, as the merge makes of a split line. */
    private static ByteBuf cumulateOnHeap(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        if (cumulation == in) { // doubly retained: release once
            in.release();
            return cumulation;
        }
        if (!cumulation.isReadable() && in.hasArray()) {
            cumulation.release();
            return in;
        }
        try {
            int required = in.readableBytes();
            if (!cumulation.hasArray() || cumulation.isReadOnly() || required > cumulation.maxWritableBytes()
                    || required > cumulation.maxFastWritableBytes() && cumulation.refCnt() > 1) {
                // A new buffer: the first read, or one that cannot grow (or, shared by a slice, must not be moved).
                ByteBuf next = alloc.heapBuffer(alloc.calculateNewCapacity(cumulation.readableBytes() + required,
                        Integer.MAX_VALUE));
                next.writeBytes(cumulation, cumulation.readerIndex(), cumulation.readableBytes());
                cumulation.release();
                cumulation = next;
            }
            cumulation.writeBytes(in, in.readerIndex(), required);
            return cumulation;
        } finally {
            in.release();
        }
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
        // A line of exactly maxLength bytes whose "\r\n" was split between reads: wait for the '\n' rather than let the
        // base class count the '\r' as content and reject the line.
        if (buffer.readableBytes() == maxLength + 1
                && buffer.getByte(buffer.writerIndex() - 1) == '\r'
                && buffer.bytesBefore((byte) '\n') < 0) {
            return null;
        }
        int start = buffer.readerIndex();
        Object frame = super.decode(ctx, buffer);
        if (buffer.readerIndex() != start) { // a line ended, or an over-long one was discarded
            if (frame != null) {
                framesLines = true;
                if (runs) {
                    frame = withTheLinesAfter(buffer, (ByteBuf) frame, start);
                }
                ((ByteBuf) frame).skipBytes(answered);
            }
            answered = 0;
        }
        return frame;
    }

    /** The line just framed (from {@code start}) and every complete line after it within the limit, as one frame. */
    private ByteBuf withTheLinesAfter(ByteBuf buffer, ByteBuf line, int start) {
        int end = endOfCompleteLines(buffer);
        if (end == buffer.readerIndex()) {
            return line;
        }
        line.release();
        ByteBuf run = buffer.retainedSlice(start, end - start);
        buffer.readerIndex(end);
        return run;
    }

    /** Where the complete lines from the reader index end, stopping before the first over the limit. */
    private int endOfCompleteLines(ByteBuf buffer) {
        int from = buffer.readerIndex();
        int last = buffer.indexOf(buffer.writerIndex(), from, (byte) '\n'); // from the end: usually a line back
        if (last < 0) {
            return from;
        }
        if (last + 1 - from <= maxLength) {
            return last + 1; // no line in a run this short can be over the limit
        }
        int end = from;
        for (int eol; (eol = buffer.indexOf(end, last + 1, (byte) '\n')) >= 0; end = eol + 1) {
            int length = eol - end - (eol > end && buffer.getByte(eol - 1) == '\r' ? 1 : 0);
            if (length > maxLength) {
                break; // left for the next call, which reports it
            }
        }
        return end;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (in.readableBytes() > answered) {
            out.add(in.retainedSlice(in.readerIndex() + answered, in.readableBytes() - answered));
        }
        in.skipBytes(in.readableBytes());
        answered = 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf) {
            bytesRead += ((ByteBuf) msg).readableBytes();
        }
        super.channelRead(ctx, msg);
        if (quietNanos > 0 && !framesLines) {
            lastReadNanos = ctx.executor().ticker().nanoTime();
            if (quietCheck == null && internalBuffer().isReadable()) {
                quietCheck = ctx.executor().schedule(() -> onQuietCheck(ctx), quietNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void onQuietCheck(ChannelHandlerContext ctx) {
        quietCheck = null;
        ByteBuf pending = internalBuffer();
        if (pending.readableBytes() <= answered || framesLines || ctx.isRemoved()) {
            return;
        }
        long quietFor = ctx.executor().ticker().nanoTime() - lastReadNanos;
        if (quietFor < quietNanos) {
            quietCheck = ctx.executor().schedule(() -> onQuietCheck(ctx), quietNanos - quietFor, TimeUnit.NANOSECONDS);
            return;
        }
        emitPartialLine(ctx, Utf8.completePrefixLength(pending));
    }

    /**
     * Answers the pending bytes up to {@code end} that were not answered before. They stay in the buffer, so the base
     * class's scan for the newline is undisturbed; when the line ends, its answered prefix is cut from the frame.
     */
    private void emitPartialLine(ChannelHandlerContext ctx, int end) {
        if (end <= answered) {
            return;
        }
        ByteBuf pending = internalBuffer();
        ByteBuf partialLine = pending.retainedSlice(pending.readerIndex() + answered, end - answered);
        answered = end;
        ctx.fireChannelRead(partialLine);
        ctx.fireChannelReadComplete();
    }

    /**
     * The bytes read since the last call, and counting starts again: for the connection's owner to count once per
     * batch, so that no handler of its own has to look at every read to count them.
     */
    public int takeBytesRead() {
        int n = bytesRead;
        bytesRead = 0;
        return n;
    }

    /** Bytes held waiting for the end of a line: never more than the maximum line length plus one read. */
    public int bufferedBytes() {
        return internalBuffer().readableBytes();
    }

    /** What holding them takes in memory: the capacity of the buffer they are gathered in. */
    public int bufferCapacity() {
        return internalBuffer().capacity();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelQuietCheck();
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        cancelQuietCheck();
    }

    private void cancelQuietCheck() {
        if (quietCheck != null) {
            quietCheck.cancel(false);
            quietCheck = null;
        }
    }
}
