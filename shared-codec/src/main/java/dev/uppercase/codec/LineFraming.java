package dev.uppercase.codec;

/** The TCP framing rules shared by server and client. */
public final class LineFraming {

    /** Default longest request line, in bytes, not counting its terminator. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

    /**
     * The reply that takes the place of a line over the limit. It has lower-case letters, so it can never be the
     * upper case of any request: a client can always tell it from an answer.
     */
    public static String lineTooLongReply(int maxLineLength) {
        return "error: line too long (limit " + maxLineLength + " bytes)\n";
    }

    /** True if {@code replyLine} (with or without its terminator) is the line-too-long error. */
    public static boolean isLineTooLongReply(String replyLine) {
        return replyLine.startsWith("error: line too long");
    }

    private LineFraming() {}
}
