package dev.uppercase.server.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The idle clock's table: slots that move as connections leave, in any order, and time out the right ones. */
class IdleTimeoutsTest {

    /** A connection on the clock, as ConnectionLifecycle is one: its slot, and whether its time came. */
    private static final class Owner implements IdleTimeouts.Watched {
        int slot = -1;
        int timedOut;

        @Override
        public void idleTimedOut() {
            timedOut++;
        }

        @Override
        public void movedToIdleSlot(int slot) {
            this.slot = slot;
        }
    }

    @Test
    void connectionsLeaveInAnyOrderAndOnlyTheSilentOnesTimeOut() {
        EmbeddedChannel ch = new EmbeddedChannel();
        IdleTimeouts clock = new IdleTimeouts.PerLoop(Duration.ofSeconds(10)).forLoop(ch.eventLoop());
        List<Owner> owners = new ArrayList<>();
        for (int i = 0; i < 100; i++) { // past the table's first capacity: it grows
            Owner owner = new Owner();
            clock.watch(owner);
            owners.add(owner);
        }
        Random random = new Random(1);
        List<Owner> left = new ArrayList<>();
        for (int i = 0; i < 40; i++) { // forty leave, in an order of their own
            Owner leaving = owners.remove(random.nextInt(owners.size()));
            clock.forget(leaving.slot);
            assertEquals(-1, leaving.slot, "off the clock");
            left.add(leaving);
        }
        ch.advanceTimeBy(6, TimeUnit.SECONDS);
        List<Owner> talking = owners.subList(0, 30);
        for (Owner owner : talking) {
            clock.lineCame(owner.slot);
        }
        ch.advanceTimeBy(5, TimeUnit.SECONDS); // 11 s: the others' time is up, the talkers' is not
        ch.runScheduledPendingTasks();

        for (Owner owner : owners) {
            boolean talked = talking.contains(owner);
            assertEquals(talked ? 0 : 1, owner.timedOut, talked ? "a line 5 s ago" : "silent for 11 s");
            assertEquals(talked, owner.slot >= 0, "a timed-out connection is off the clock");
        }
        for (Owner owner : left) {
            assertEquals(0, owner.timedOut, "a connection that left is never told");
        }
        List<Integer> slots = new ArrayList<>();
        for (Owner owner : talking) {
            slots.add(owner.slot);
        }
        slots.sort(null);
        for (int i = 0; i < slots.size(); i++) {
            assertEquals(i, slots.get(i), "the ones left hold the first slots, one each: " + slots);
        }

        for (Owner owner : new ArrayList<>(talking)) {
            clock.forget(owner.slot);
        }
        assertEquals(-1, ch.runScheduledPendingTasks(), "no connection left: the loop keeps no timer");
        ch.finishAndReleaseAll();
    }
}
