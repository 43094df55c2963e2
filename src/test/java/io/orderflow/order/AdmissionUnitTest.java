package io.orderflow.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The door of admission control: an order that finds the pipeline full waits for room, at most {@code max-wait},
 * and holds the place it was let in on until it is placed or gone. Each simulated request runs on its own thread,
 * as a request does (the place is the thread's); the limit is fixed, and the count of orders in flight elsewhere is
 * set by the test.
 */
class AdmissionUnitTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final AtomicLong countedInFlight = new AtomicLong();
    final ExecutorService requests = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws InterruptedException {
        requests.shutdownNow();
        assertThat(requests.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    Admission admission(int limit, Duration maxWait) {
        return admission(limit, maxWait, Duration.ofMillis(250));
    }

    Admission admission(int limit, Duration maxWait, Duration countInterval) {
        return new Admission(
                countedInFlight::get,
                meters,
                true,
                new AdmissionLimit(Duration.ofMillis(500), limit, limit),
                limit,
                countInterval,
                maxWait);
    }

    /** A request that comes through the door and is placed, on a thread of its own. */
    boolean placed(Admission admission) throws Exception {
        return requests.submit(() -> placedNow(admission)).get(10, TimeUnit.SECONDS);
    }

    double waiting() {
        return meters.get("orderflow.admission.waiting").gauge().value();
    }

    double refused() {
        return meters.get("orderflow.admission.refused").counter().count();
    }

    @Test
    void anOrderThatFindsThePipelineFullWaitsAndComesInWhenAnOrderFinishes() throws Exception {
        Admission admission = admission(2, Duration.ofSeconds(30));
        assertThat(placed(admission)).isTrue();
        assertThat(placed(admission)).isTrue();

        CompletableFuture<Boolean> third = CompletableFuture.supplyAsync(() -> placedNow(admission), requests);
        Awaitility.await("the third order waits at the door")
                .atMost(Duration.ofSeconds(10))
                .until(() -> waiting() == 1);
        assertThat(third).isNotDone();

        admission.finished(Duration.ofMillis(40));

        assertThat(third.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(waiting()).isZero();
        assertThat(refused()).isZero();
    }

    @Test
    void anOrderStillOverTheLimitAfterMaxWaitIsRefused() throws Exception {
        Admission admission = admission(1, Duration.ofMillis(50));
        assertThat(placed(admission)).isTrue();

        assertThat(placed(admission)).isFalse();

        assertThat(refused()).isEqualTo(1);
        assertThat(waiting()).isZero();
    }

    @Test
    void beforeAnyOrderHasFinishedOneOrderWaitsAtTheDoorAndTheNextIsRefusedAtOnce() throws Exception {
        Admission admission = admission(1, Duration.ofSeconds(30));
        assertThat(placed(admission)).isTrue();
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> placedNow(admission), requests);
        Awaitility.await("the second order waits at the door")
                .atMost(Duration.ofSeconds(10))
                .until(() -> waiting() == 1);

        // at once: placed() gives up after 10 s, long before the 30-s max-wait
        assertThat(placed(admission)).isFalse();
        assertThat(refused()).isEqualTo(1);

        admission.finished(Duration.ofMillis(40));
        assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theLineAtTheDoorIsAsLongAsWhatFinishedInMaxWaitAtTheLastCount() throws Exception {
        // max-wait is two count intervals: one order finished in the last interval makes a line of two
        Admission admission = admission(1, Duration.ofSeconds(30), Duration.ofSeconds(15));
        assertThat(placed(admission)).isTrue();
        admission.finished(Duration.ofMillis(40));
        admission.runOnce();
        assertThat(placed(admission)).isTrue();

        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> placedNow(admission), requests);
        CompletableFuture<Boolean> third = CompletableFuture.supplyAsync(() -> placedNow(admission), requests);
        Awaitility.await("two orders wait at the door")
                .atMost(Duration.ofSeconds(10))
                .until(() -> waiting() == 2);
        assertThat(placed(admission)).as("the fourth finds the line full").isFalse();
        assertThat(refused()).isEqualTo(1);

        admission.finished(Duration.ofMillis(40));
        admission.finished(Duration.ofMillis(40));
        assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(third.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(refused()).isEqualTo(1);
    }

    @Test
    void withoutMaxWaitAFullPipelineRefusesAtOnce() throws Exception {
        Admission admission = admission(1, Duration.ZERO);
        assertThat(placed(admission)).isTrue();

        assertThat(placed(admission)).isFalse();
        assertThat(refused()).isEqualTo(1);
    }

    @Test
    void aPlaceTakenAtTheDoorIsKeptForItsOrderAndGivenBackIfTheOrderIsNotPlaced() throws Exception {
        Admission admission = admission(1, Duration.ZERO);
        ExecutorService first = Executors.newSingleThreadExecutor();
        try {
            assertThat(first.submit(admission::awaitRoom).get(10, TimeUnit.SECONDS))
                    .isTrue();
            assertThat(placed(admission)).as("the one place is held").isFalse();
            // an order counted elsewhere fills the limit on the next count: the held place is still the order's
            countedInFlight.set(1);
            admission.runOnce();
            assertThat(first.submit(admission::tryAdmit).get(10, TimeUnit.SECONDS))
                    .isTrue();
            assertThat(placed(admission)).isFalse();

            countedInFlight.set(0);
            admission.runOnce(); // the count sees neither: the place taken and left is free again
            assertThat(first.submit(admission::awaitRoom).get(10, TimeUnit.SECONDS))
                    .isTrue();
            first.submit(admission::leave).get(10, TimeUnit.SECONDS);
            assertThat(placed(admission)).isTrue();
        } finally {
            first.shutdownNow();
        }
    }

    @Test
    void anOrderThatDidNotComeThroughTheDoorIsRefusedWhenThereIsNoRoom() throws Exception {
        Admission admission = admission(1, Duration.ofSeconds(30));
        assertThat(placed(admission)).isTrue();

        assertThat(requests.submit(admission::tryAdmit).get(10, TimeUnit.SECONDS))
                .isFalse();
        assertThat(refused()).isEqualTo(1);
    }

    @Test
    void aNegativeMaxWaitOrAnEmptyCountIntervalIsRefusedAtStart() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> admission(1, Duration.ofMillis(-1)))
                .withMessageContaining("max-wait");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> admission(1, Duration.ofMillis(250), Duration.ZERO))
                .withMessageContaining("sample-interval");
    }

    private static boolean placedNow(Admission admission) {
        try {
            return admission.awaitRoom() && admission.tryAdmit();
        } finally {
            admission.leave();
        }
    }
}
