package dev.uppercase.server;

import dev.uppercase.server.config.ServerCommandLine;
import dev.uppercase.server.ops.OutOfMemory;
import dev.uppercase.server.tls.ServerTls;
import io.netty.util.ResourceLeakDetector;
import java.io.PrintStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server jar's entry point: reads the command line, starts the server, runs it until SIGTERM or SIGINT. */
public final class ServerMain {
    private static final Logger log = LoggerFactory.getLogger(ServerMain.class);

    /** Exit code when the server cannot start: a port that cannot be bound, a TLS file that cannot be read, ... */
    static final int START_FAILED = 1;

    private ServerMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs the server until it is stopped; returns the exit code (help, version, and errors return at once). */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        OutOfMemory.exitOnUncaught();
        ServerTls.refuseClientRenegotiation();
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty samples buffers for leaks unless told otherwise, which costs throughput (docs/performance.md); the
            // tests run every buffer through a detector that fails them. -Dio.netty.leakDetection.level=simple turns
            // the sampling back on.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        ServerCommandLine.Outcome commandLine = ServerCommandLine.read(args, env, out, err);
        if (commandLine.settings() == null) {
            return commandLine.exitCode();
        }
        try {
            Logging.configure(commandLine.settings().log());
        } catch (ServerStartException e) {
            err.println("uppercase-server: " + e.getMessage()); // there is no log to say it in
            return START_FAILED;
        }
        UppercaseServer server;
        try {
            server = UppercaseServer.start(commandLine.settings());
        } catch (ServerStartException e) {
            log.error(e.getMessage()); // for whoever reads the log; whoever started it reads standard error
            err.println("uppercase-server: " + e.getMessage());
            return START_FAILED;
        }
        // SIGTERM/SIGINT run the hooks; halting with 0 once drained reports the stop as the clean exit it is.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            Runtime.getRuntime().halt(0);
        }, "uppercase-shutdown"));
        server.logReady(); // only now: a SIGTERM sent as soon as the line appears must find the hook in place
        server.awaitStopped();
        return 0;
    }
}
