package dev.uppercase.client;

import dev.uppercase.cli.CommandLines;
import dev.uppercase.client.bench.Bench;
import dev.uppercase.codec.Uppercase;
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

/**
 * The client jar's entry point: reads the command line, runs the mode it asks for (one-shot, interactive, filter, or
 * bench) and maps the outcome to an exit code. See {@code --help}.
 */
public final class UppercaseClient {
    private UppercaseClient() {}

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
        ServerErrors errors = new ServerErrors(err);
        try {
            if (!settings.words().isEmpty()) {
                new FilterMode(settings, out, errors).run(new ByteArrayInputStream((String.join(" ",
                        settings.words()) + "\n").getBytes(Uppercase.CHARSET)));
            } else if (terminal || settings.interactive()) {
                new InteractiveMode(settings, in, out, errors).run();
            } else {
                new FilterMode(settings, out, errors).run(in);
            }
            out.flush();
        } catch (ClientException e) {
            flushQuietly(out);
            boolean explained = e.exitCode() == ExitCodes.CLOSED_EARLY && errors.closeReason() != null;
            err.println("uppercase-client: "
                    + (explained ? "the server closed the connection: " + errors.closeReason() : e.getMessage()));
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
        if (errors.closeReason() != null) { // the error took the place of the reply: every line "answered", but not so
            err.println("uppercase-client: the server closed the connection: " + errors.closeReason());
            return ExitCodes.CLOSED_EARLY;
        }
        if (errors.refused() > 0) {
            err.println("uppercase-client: " + errors.refused() + " line(s) refused");
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
}
