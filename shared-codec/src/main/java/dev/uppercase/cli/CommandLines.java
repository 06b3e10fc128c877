package dev.uppercase.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The command-line rules the server and the client share: every flag defaults to its environment variable
 * ({@link Environment}), durations read as {@link Durations} writes them, and a bad value is reported in one line that
 * names where it came from, the flag or the variable, without Java class names.
 */
public final class CommandLines {
    private CommandLines() {}

    /**
     * A command line for {@code command} (a picocli {@code @Command} object), its defaults from {@code env}, each
     * option's help ending with the name of the variable that sets it (derived from the flag: never typed twice).
     */
    public static CommandLine create(Object command, Map<String, String> env) {
        CommandLine cl = new CommandLine(command);
        cl.registerConverter(Duration.class, CommandLines::duration);
        cl.setDefaultValueProvider(spec -> spec instanceof OptionSpec
                ? env.get(Environment.variableFor(((OptionSpec) spec).longestName())) : null);
        nameTheVariables(cl.getCommandSpec());
        return cl;
    }

    /** Appends "Env UPPERCASE_..." to every option's help but --help's and --version's, in the options' order. */
    private static void nameTheVariables(CommandSpec spec) {
        List<OptionSpec> options = new ArrayList<>(spec.options());
        options.forEach(spec::remove);
        for (OptionSpec option : options) {
            if (option.usageHelp() || option.versionHelp()) {
                spec.addOption(option);
                continue;
            }
            // description() gives the text with "%%" read as "%": as a description again, it must be written "%%".
            String[] description = Arrays.stream(option.description()).map(line -> line.replace("%", "%%"))
                    .toArray(String[]::new);
            description[description.length - 1] += " Env " + Environment.variableFor(option.longestName()) + ".";
            spec.addOption(option.toBuilder().description(description).build());
        }
    }

    private static Duration duration(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage()); // picocli shows this message alone, no class name
        }
    }

    /**
     * Checks of parsed values, each failing with one line that names where the bad value came from: the flag itself
     * when it was given on the command line (or when nothing set it), else the environment variable that did. Made
     * after parsing succeeded.
     */
    public static final class Checks {
        private final CommandLine cl;
        private final Map<String, String> env;

        public Checks(CommandLine cl, Map<String, String> env) {
            this.cl = cl;
            this.env = env;
        }

        /** {@code value}, when it lies in {@code min..max}. */
        public int within(String flag, int value, int min, int max) {
            if (value < min || value > max) {
                throw invalid(flag, value + " is not in " + min + ".." + max);
            }
            return value;
        }

        /** {@code value}, when it is at least {@code min}. */
        public long atLeast(String flag, long value, long min) {
            if (value < min) {
                throw invalid(flag, value + " is less than " + min);
            }
            return value;
        }

        /** {@code value}, when it is more than zero. */
        public Duration positive(String flag, Duration value) {
            if (value.isZero()) {
                throw invalid(flag, "must be more than 0");
            }
            return value;
        }

        /** The error for a bad value of {@code flag}, {@code why} saying what is wrong with it. */
        public ParameterException invalid(String flag, String why) {
            return new ParameterException(cl, invalidValue(origin(flag), why));
        }

        /** The flag, or the environment variable that set it. */
        public String origin(String flag) {
            String variable = Environment.variableFor(flag);
            return cl.getParseResult().hasMatchedOption(flag) || !env.containsKey(variable) ? flag : variable;
        }
    }

    private static String invalidValue(String origin, String why) {
        return "invalid value for " + origin + ": " + why;
    }

    /** The version in {@code type}'s jar manifest; "dev" when it runs from classes. */
    public static String version(Class<?> type) {
        String v = type.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * One line for a usage error: picocli's own message, except that a value that could not be read names the
     * environment variable it came from when it did not come from the command line.
     */
    public static String describe(ParameterException e, String[] args, Map<String, String> env) {
        ArgSpec spec = e.getArgSpec();
        if (!(e.getCause() instanceof TypeConversionException) || !(spec instanceof OptionSpec)) {
            return e.getMessage();
        }
        OptionSpec option = (OptionSpec) spec;
        boolean onCommandLine = Arrays.stream(args).anyMatch(arg -> Arrays.stream(option.names())
                .anyMatch(name -> arg.equals(name) || arg.startsWith(name + "=")));
        String variable = Environment.variableFor(option.longestName());
        String origin = onCommandLine || !env.containsKey(variable) ? option.longestName() : variable;
        return invalidValue(origin, e.getCause().getMessage());
    }
}
