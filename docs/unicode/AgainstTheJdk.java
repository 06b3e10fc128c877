import dev.uppercase.codec.Uppercase;
import java.util.Locale;

/**
 * How many code points the running JDK's own toUpperCase(Locale.ROOT) answers otherwise than the codec's Unicode 17.0
 * mapping, and the first of them. Run with each JDK, from the repository root, after a build:
 *
 * <pre>
 * cp=shared-codec/target/classes:$(ls ~/.m2/repository/io/netty/netty-buffer/4.2.18.Final/*.jar):$(ls \
 *     ~/.m2/repository/io/netty/netty-common/4.2.18.Final/*.jar)
 * java -cp $cp docs/unicode/AgainstTheJdk.java
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp $cp docs/unicode/AgainstTheJdk.java
 * </pre>
 */
public class AgainstTheJdk {
    public static void main(String[] args) {
        int differ = 0;
        StringBuilder first = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            String s = new String(Character.toChars(cp));
            if (!Uppercase.apply(s).equals(s.toUpperCase(Locale.ROOT)) && ++differ <= 12) {
                first.append(String.format("U+%04X ", cp));
            }
        }
        System.out.println("Java " + Runtime.version() + ": " + differ + " code points differ from Unicode "
                + Uppercase.UNICODE_VERSION + ": " + first + "...");
    }
}
