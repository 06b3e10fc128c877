package dev.uppercase.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Splits a byte stream into {@link Line}s, keeping each terminator. Reads bytes, so invalid UTF-8 passes through. */
final class LineReader {
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private long count;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line, or null at end of input. */
    Line next() throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return content.size() == 0 ? null : new Line(++count, content.toByteArray(), Line.NONE);
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            if (position == limit) {
                content.write(buffer, start, position - start);
                continue;
            }
            content.write(buffer, start, position - start);
            position++; // the '\n'
            byte[] bytes = content.toByteArray();
            if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
                byte[] stripped = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, stripped, 0, stripped.length);
                return new Line(++count, stripped, Line.CRLF);
            }
            return new Line(++count, bytes, Line.LF);
        }
    }
}
