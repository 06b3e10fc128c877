package dev.uppercase.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Filter mode (input a pipe or a file; one-shot mode too, with the words as its input): every line, pipelined; each
 * reply written as received, nothing else on the output.
 */
final class FilterMode {
    private final ClientSettings settings;
    private final OutputStream out;
    private final ServerErrors errors;

    FilterMode(ClientSettings settings, OutputStream out, ServerErrors errors) {
        this.settings = settings;
        this.out = out;
        this.errors = errors;
    }

    void run(InputStream input) throws ClientException, IOException {
        ReplySink raw = new ReplySink() {
            @Override
            public void reply(long line, ByteBuf content, byte[] terminator) throws IOException {
                if (errors.handled(content, line)) {
                    return;
                }
                content.getBytes(content.readerIndex(), out, content.readableBytes());
                out.write(terminator);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        };
        if (settings.udp()) {
            UdpLines.send(settings, new LineReader(input), raw, null, errors);
        } else {
            tcp(input, raw);
        }
    }

    /** Sends whole lines in blocks (a line longer than a block goes in pieces) and lets TCP pipeline them. */
    private void tcp(InputStream input, ReplySink sink) throws ClientException, IOException {
        try (TcpSession session = TcpSession.connect(settings, sink)) {
            byte[] block = new byte[64 * 1024];
            int held = 0; // bytes of an unfinished line kept from the last read
            int n;
            while ((n = input.read(block, held, block.length - held)) > 0) {
                int end = held + n;
                int lastNewline = lastIndexOf(block, end, (byte) '\n');
                if (lastNewline < 0 && end < block.length) {
                    held = end; // no complete line yet: read on rather than send half a first line
                    continue;
                }
                int upTo = lastNewline >= 0 ? lastNewline + 1 : end;
                session.send(Unpooled.copiedBuffer(block, 0, upTo), countNewlines(block, upTo));
                held = end - upTo;
                System.arraycopy(block, upTo, block, 0, held);
            }
            if (held > 0) {
                session.send(Unpooled.copiedBuffer(block, 0, held), 1); // the last line, with no newline
            }
            session.finishSending();
            session.awaitReplies();
        }
    }

    private static int lastIndexOf(byte[] bytes, int end, byte b) {
        for (int i = end - 1; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static long countNewlines(byte[] bytes, int end) {
        long n = 0;
        for (int i = 0; i < end; i++) {
            if (bytes[i] == '\n') {
                n++;
            }
        }
        return n;
    }
}
