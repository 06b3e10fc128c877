package dev.uppercase.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import dev.uppercase.server.config.ServerSettings;
import java.net.URL;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Applies the log settings: logback has already started from the jar's {@code logback.xml} by the time the flags are
 * read, so it is reset and configured again, from the file {@code --log-config} names or from the built-in text or
 * JSON configuration, with the level from {@code --log-level}.
 */
final class Logging {
    private Logging() {}

    /** @throws ServerStartException when the configuration cannot be loaded, with logback's first error */
    static void configure(ServerSettings.LogSettings log) throws ServerStartException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        context.putProperty("UPPERCASE_LOG_LEVEL", log.level()); // the built-in files read it; a custom one may
        int earlier = context.getStatusManager().getCount();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            if (log.config() != null) {
                configurator.doConfigure(log.config().toFile());
            } else {
                URL builtIn = Logging.class.getResource(
                        log.format() == ServerSettings.LogFormat.JSON ? "/logback-json.xml" : "/logback.xml");
                configurator.doConfigure(builtIn);
            }
        } catch (JoranException e) {
            throw new ServerStartException("cannot configure logging"
                    + (log.config() == null ? "" : " from " + log.config()) + ": " + firstError(context, earlier, e));
        }
        String error = firstError(context, earlier, null);
        if (error != null) {
            throw new ServerStartException("cannot configure logging from " + log.config() + ": " + error);
        }
    }

    /** The first error logback recorded after the first {@code earlier} statuses. */
    private static String firstError(LoggerContext context, int earlier, Exception fallback) {
        List<Status> statuses = context.getStatusManager().getCopyOfStatusList();
        for (Status status : statuses.subList(Math.min(earlier, statuses.size()), statuses.size())) {
            if (status.getEffectiveLevel() == Status.ERROR) {
                return status.getMessage();
            }
        }
        return fallback == null ? null : fallback.getMessage();
    }
}
