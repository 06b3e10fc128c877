package dev.uppercase.client;

import dev.uppercase.codec.Uppercase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/** Interactive mode: the textbook client's dialogue, on one connection (or socket) for the whole session. */
final class InteractiveMode {
    static final String PROMPT = "Input lowercase sentence:";
    static final String QUIT = ":quit";

    private final ClientSettings settings;
    private final InputStream in;
    private final OutputStream out;
    private final ServerErrors errors;

    InteractiveMode(ClientSettings settings, InputStream in, OutputStream out, ServerErrors errors) {
        this.settings = settings;
        this.in = in;
        this.out = out;
        this.errors = errors;
    }

    void run() throws ClientException, IOException {
        PrintStream screen = new PrintStream(out, true, Uppercase.CHARSET);
        ReplySink printer = new ReplySink() {
            @Override
            public void reply(long line, ByteBuf content, byte[] terminator) {
                if (!errors.handled(content, line)) {
                    screen.println("From Server: " + content.toString(Uppercase.CHARSET));
                }
            }

            @Override
            public void flush() {
                screen.flush();
            }
        };
        LineReader lines = new LineReader(in);
        if (settings.udp()) {
            UdpLines.send(settings, lines, printer, screen, errors);
            return;
        }
        try (TcpSession session = TcpSession.connect(settings, printer)) {
            Line line;
            while ((line = prompt(screen, lines)) != null) {
                ByteBuf request = Unpooled.buffer(line.content().length + 2).writeBytes(line.content());
                request.writeBytes(line.terminator().length == 0 ? Line.LF : line.terminator());
                session.send(request, 1);
                session.awaitReplies();
            }
        }
    }

    /** Prompts and reads the next line; null at end of input or {@link #QUIT}. */
    static Line prompt(PrintStream screen, LineReader lines) throws IOException {
        screen.print(PROMPT);
        screen.flush();
        Line line = lines.next();
        if (line == null) {
            screen.println(); // after Ctrl-D the cursor still follows the prompt: the shell's own starts on a new line
            return null;
        }
        return QUIT.equals(line.text()) ? null : line; // Enter ended that line: the screen is on a new one already
    }
}
