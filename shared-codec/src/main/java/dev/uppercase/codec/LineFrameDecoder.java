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
 * <p>What is read is gathered in a heap buffer, so that each line is a slice with an array behind it: a
 * {@code StringDecoder} then decodes it in place. From a direct read buffer Netty first copies each line out, into a
 * per-thread scratch array up to 1 KiB and into a new array for every longer line.
 *
 * <p>Stateful: one instance per channel.
 */
public class LineFrameDecoder extends LineBasedFrameDecoder {

    private final int maxLength;
    private final long quietNanos;
    private boolean framesLines;
    /** Bytes at the front of the buffer already answered as a partial line, awaiting the rest of their line. */
    private int answered;
    private long lastReadNanos;
    private ScheduledFuture<?> quietCheck;

    public LineFrameDecoder(int maxLength, Duration quietPeriod) {
        super(maxLength, false, false);
        this.maxLength = maxLength;
        this.quietNanos = quietPeriod.toNanos();
        setCumulator(LineFrameDecoder::cumulateOnHeap);
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
                ((ByteBuf) frame).skipBytes(answered);
            }
            answered = 0;
        }
        return frame;
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

    /** Bytes held waiting for the end of a line: never more than the maximum line length plus one read. */
    public int bufferedBytes() {
        return internalBuffer().readableBytes();
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
