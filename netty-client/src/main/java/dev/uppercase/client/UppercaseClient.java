package dev.uppercase.client;

import dev.uppercase.cli.CommandLines;
import dev.uppercase.codec.ErrorReplies;
import dev.uppercase.codec.Uppercase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The client jar: one-shot, interactive or filter mode, over TCP or UDP. See {@code --help}. */
public final class UppercaseClient {
    static final String PROMPT = "Input lowercase sentence:";
    static final String QUIT = ":quit";
    /** UDP datagrams in flight at once in filter mode. */
    static final int UDP_WINDOW = 64;

    private final ClientSettings settings;
    private final InputStream in;
    private final OutputStream out;
    private final PrintStream err;
    private long refused;
    /** The server's last error line other than line-too-long: the reason it is about to close the connection. */
    private volatile String serverError;

    UppercaseClient(ClientSettings settings, InputStream in, OutputStream out, PrintStream err) {
        this.settings = settings;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        boolean terminal = System.console() != null;
        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
        System.exit(run(args, System.getenv(), terminal, System.in, stdout, System.err));
    }

    /** Parses, runs and reports; returns the exit code. {@code terminal}: standard input and output are a terminal. */
    static int run(String[] args, Map<String, String> env, boolean terminal, InputStream in, OutputStream out,
            PrintStream err) {
        if (args.length > 0 && args[0].equals("bench")) { // to send the text "bench": `-- bench`
            return bench(Arrays.copyOfRange(args, 1, args.length), env, out, err);
        }
        CommandLine cl = ClientSettings.commandLine(env);
        ClientSettings settings;
        try {
            settings = ClientSettings.parse(cl, args, env);
        } catch (ParameterException e) {
            err.println("uppercase-client: " + CommandLines.describe(e, args, env) + " (see --help)");
            return ExitCodes.USAGE;
        }
        PrintStream printer = new PrintStream(out, true, Uppercase.CHARSET);
        if (cl.isUsageHelpRequested()) {
            cl.usage(printer);
            return ExitCodes.OK;
        }
        if (cl.isVersionHelpRequested()) {
            cl.printVersionHelp(printer);
            return ExitCodes.OK;
        }
        UppercaseClient client = new UppercaseClient(settings, in, out, err);
        try {
            if (!settings.words().isEmpty()) {
                client.filter(new ByteArrayInputStream((String.join(" ", settings.words()) + "\n")
                        .getBytes(Uppercase.CHARSET)));
            } else if (terminal || settings.interactive()) {
                client.interactive();
            } else {
                client.filter(in);
            }
            out.flush();
        } catch (ClientException e) {
            flushQuietly(out);
            boolean explained = e.exitCode() == ExitCodes.CLOSED_EARLY && client.serverError != null;
            err.println("uppercase-client: "
                    + (explained ? "the server closed the connection: " + client.serverError : e.getMessage()));
            if (settings.verbose() && e.getCause() != null) {
                e.getCause().printStackTrace(err);
            }
            return e.exitCode();
        } catch (IOException e) {
            flushQuietly(out);
            err.println("uppercase-client: " + e.getMessage());
            if (settings.verbose()) {
                e.printStackTrace(err);
            }
            return ExitCodes.FAILED;
        }
        if (client.serverError != null) { // the error took the place of the reply: every line "answered", but not so
            err.println("uppercase-client: the server closed the connection: " + client.serverError);
            return ExitCodes.CLOSED_EARLY;
        }
        if (client.refused > 0) {
            err.println("uppercase-client: " + client.refused + " line(s) refused");
            return ExitCodes.LINES_REFUSED;
        }
        return ExitCodes.OK;
    }

    private static int bench(String[] args, Map<String, String> env, OutputStream out, PrintStream err) {
        CommandLine cl = Bench.commandLine(env);
        PrintStream printer = new PrintStream(out, true, Uppercase.CHARSET);
        try {
            cl.parseArgs(args);
        } catch (ParameterException e) {
            err.println("uppercase-client bench: " + CommandLines.describe(e, args, env) + " (see bench --help)");
            return ExitCodes.USAGE;
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(printer);
            return ExitCodes.OK;
        }
        try {
            return cl.<Bench>getCommand().run(printer, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        } catch (RuntimeException e) {
            err.println("uppercase-client bench: " + e.getMessage());
            return ExitCodes.CANNOT_CONNECT;
        }
    }

    private static void flushQuietly(OutputStream out) {
        try {
            out.flush();
        } catch (IOException ignored) {
            // already failing; the first error is the one to report
        }
    }

    /** Every line of {@code input}, pipelined; each reply written as received, nothing else on the output. */
    private void filter(InputStream input) throws ClientException, IOException {
        ReplySink raw = new ReplySink() {
            @Override
            public void reply(long line, ByteBuf content, byte[] terminator) throws IOException {
                if (handledAsError(content, line)) {
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
            udpLines(new LineReader(input), raw, null);
        } else {
            tcpFilter(input, raw);
        }
    }

    /** Sends whole lines in blocks (a line longer than a block goes in pieces) and lets TCP pipeline them. */
    private void tcpFilter(InputStream input, ReplySink sink) throws ClientException, IOException {
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

    /** The textbook client's dialogue, on one connection for the whole session. */
    private void interactive() throws ClientException, IOException {
        PrintStream screen = new PrintStream(out, true, Uppercase.CHARSET);
        ReplySink printer = new ReplySink() {
            @Override
            public void reply(long line, ByteBuf content, byte[] terminator) {
                if (!handledAsError(content, line)) {
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
            udpLines(lines, printer, screen);
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

    private static Line prompt(PrintStream screen, LineReader lines) throws IOException {
        screen.print(PROMPT);
        screen.flush();
        Line line = lines.next();
        if (line == null) {
            screen.println(); // after Ctrl-D the cursor still follows the prompt: the shell's own starts on a new line
            return null;
        }
        return QUIT.equals(line.text()) ? null : line; // Enter ended that line: the screen is on a new one already
    }

    /**
     * Lines over UDP. With a {@code dialogue} screen, one at a time: prompt, send, wait for the reply; without, up to
     * {@link #UDP_WINDOW} in flight.
     */
    private void udpLines(LineReader lines, ReplySink sink, PrintStream dialogue) throws ClientException, IOException {
        try (UdpSession session = UdpSession.open(settings, sink, dialogue == null ? UDP_WINDOW : 1)) {
            Line line;
            while ((line = dialogue != null ? prompt(dialogue, lines) : lines.next()) != null) {
                if (!session.send(line)) {
                    refused++;
                    err.println("uppercase-client: line " + line.number() + ": not sent: its datagram or its reply "
                            + "would be over the " + settings.maxDatagramSize() + "-byte limit");
                    continue;
                }
                if (dialogue != null) {
                    session.awaitReplies();
                }
            }
            session.awaitReplies();
        }
    }

    /**
     * Handles the server's error lines, which take the place of a reply: a line too long is reported and counted (the
     * rest go on); any other error is the reason the server is closing the connection, reported when it does. True if
     * {@code reply} was such a line, and so is not to be printed as an answer.
     */
    private boolean handledAsError(ByteBuf reply, long line) {
        // A genuine reply never starts with a lower-case letter; only an error line does.
        if (!reply.isReadable() || reply.getByte(reply.readerIndex()) != 'e') {
            return false;
        }
        String text = reply.toString(Uppercase.CHARSET);
        if (!ErrorReplies.isErrorReply(text)) {
            return false;
        }
        if (ErrorReplies.isLineTooLong(text)) {
            refused++;
            err.println("uppercase-client: line " + line + ": " + text);
        } else {
            serverError = text;
        }
        return true;
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
