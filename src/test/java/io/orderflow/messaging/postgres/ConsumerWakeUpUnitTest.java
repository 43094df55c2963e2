package io.orderflow.messaging.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.messaging.postgres.Wakeups.Claim;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the PostgreSQL transport's consumers decide to claim: one claim per message announced in this process,
 * a drain when the number is unknown (another process, a retry coming due) and once per poll interval for the queue,
 * however busy announcements keep it. No claim for nothing. The clock is the test's; only the tests that wake a
 * waiting consumer wait, on a poll interval of a minute.
 */
class ConsumerWakeUpUnitTest {

    static final Duration POLL = Duration.ofSeconds(1);

    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final Wakeups wakeups = new Wakeups(POLL, clock::get);
    final Wakeups slowPoll = new Wakeups(Duration.ofMinutes(1), clock::get);
    final ExecutorService consumers = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopConsumers() {
        wakeups.wakeAll();
        slowPoll.wakeAll();
        consumers.shutdownNow();
    }

    void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Test
    void claimsOncePerAnnouncedMessage() {
        wakeups.wake(2);

        assertThat(wakeups.await()).isEqualTo(Claim.ONE);
        assertThat(wakeups.await()).isEqualTo(Claim.ONE);
        assertThat(wakeups.permits()).isZero();
        // nothing more was announced: the third finds the poll due, and drains
        advance(POLL);
        assertThat(wakeups.await()).isEqualTo(Claim.DRAIN);
    }

    @Test
    void drainsOncePerPollIntervalWhileAnnouncementsKeepTheConsumersBusy() {
        // a message nobody announced (left over from a burst) is only found by a drain: claims for one message take
        // the oldest row, so without a drain every announced message waits for the next one
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofMillis(190));
            wakeups.wake(1);
            assertThat(wakeups.await())
                    .as("announcement %d, within the poll interval", i)
                    .isEqualTo(Claim.ONE);
        }
        advance(Duration.ofMillis(100)); // the last drain (at the start) is a poll interval old
        wakeups.wake(1);

        assertThat(wakeups.await()).isEqualTo(Claim.DRAIN);
        wakeups.tookOne(); // the drain's claims: the message nobody announced, and the announced one
        wakeups.tookOne();
        assertThat(wakeups.permits())
                .as("no announcement left for a claim that would find nothing")
                .isZero();
        wakeups.wake(1);
        assertThat(wakeups.await()).as("drained just now").isEqualTo(Claim.ONE);
    }

    @Test
    void drainsWhenAnotherProcessSaysThereIsWork() {
        wakeups.wakeToDrain();

        assertThat(wakeups.await()).isEqualTo(Claim.DRAIN);
        wakeups.wake(1);
        assertThat(wakeups.await()).as("no second drain").isEqualTo(Claim.ONE);
    }

    @Test
    void claimsTheAnnouncedMessagesBeforeADrainAskedFor() {
        wakeups.wake(2);
        wakeups.wakeToDrain();

        assertThat(wakeups.await()).isEqualTo(Claim.ONE);
        assertThat(wakeups.await()).isEqualTo(Claim.ONE);
        assertThat(wakeups.await()).as("then the drain").isEqualTo(Claim.DRAIN);
    }

    @Test
    void looksAgainWhenARetryComesDue() {
        wakeups.dueIn(Duration.ofMillis(200));
        advance(Duration.ofMillis(200));

        assertThat(wakeups.await()).isEqualTo(Claim.DRAIN);
    }

    @Test
    void wakesAWaitingConsumerForAnAnnouncement() throws Exception {
        CompletableFuture<Claim> waiting = CompletableFuture.supplyAsync(slowPoll::await, consumers);

        slowPoll.wake(1);

        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(Claim.ONE);
    }

    @Test
    void letsEveryConsumerGoWhenStopping() throws Exception {
        CompletableFuture<Claim> first = CompletableFuture.supplyAsync(slowPoll::await, consumers);
        CompletableFuture<Claim> second = CompletableFuture.supplyAsync(slowPoll::await, consumers);

        slowPoll.wakeAll();

        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(Claim.DRAIN);
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(Claim.DRAIN);
        assertThat(slowPoll.await()).as("no consumer waits once stopping").isEqualTo(Claim.DRAIN);
    }
}
