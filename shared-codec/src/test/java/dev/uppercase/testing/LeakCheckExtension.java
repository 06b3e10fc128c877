package dev.uppercase.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test during which Netty reported a leaked buffer. Registered for every test class by service loading
 * (see {@code junit-platform.properties}).
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            fail("tests must run with -Dio.netty.leakDetection.level=paranoid (see the parent pom)");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        // Leaks are found when a collected buffer's reference is polled, which happens on the next allocation.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(10); // lets the reference handler enqueue what the collector found
            allocateAndRelease();
        }
        List<String> leaks = new ArrayList<>(RecordingLeakDetector.LEAKS);
        RecordingLeakDetector.LEAKS.clear();
        if (!leaks.isEmpty()) {
            fail("Netty reported " + leaks.size() + " leak(s):\n" + String.join("\n", leaks));
        }
    }

    private static void allocateAndRelease() {
        for (int i = 0; i < 4; i++) {
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(1);
            pooled.release();
            ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(1);
            unpooled.release();
        }
    }
}
