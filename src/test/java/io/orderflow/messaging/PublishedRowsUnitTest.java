package io.orderflow.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The relay's rows awaiting their delete: when one delete is due and what it covers. Times are nanoTime values. */
class PublishedRowsUnitTest {

    private static final long MS = 1_000_000L;

    private final PublishedRows rows = new PublishedRows(Duration.ofMillis(250), 4);

    @Test
    void nothingIsDueWhileNothingWasPublished() {
        assertThat(rows.isEmpty()).isTrue();
        assertThat(rows.due(1_000 * MS)).isFalse();
        assertThat(rows.nanosUntilDue(1_000 * MS)).isEqualTo(Long.MAX_VALUE);

        rows.add(List.of(), 0); // a batch whose every message was unroutable: no row to delete

        assertThat(rows.due(1_000 * MS)).isFalse();
    }

    @Test
    void theBatchesOfTheDelayAreDeletedTogetherOnceTheOldestHasWaitedIt() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();

        rows.add(List.of(first), 100 * MS);
        rows.add(List.of(second, third), 300 * MS);

        assertThat(rows.due(349 * MS)).isFalse();
        assertThat(rows.nanosUntilDue(300 * MS)).isEqualTo(50 * MS); // counted from the oldest, not the newest
        assertThat(rows.due(350 * MS)).isTrue();
        assertThat(rows.ids()).containsExactly(first, second, third);
    }

    @Test
    void enoughRowsAreDueAtOnce() {
        rows.add(ids(3), 0);
        assertThat(rows.due(0)).isFalse();

        rows.add(ids(1), 0);

        assertThat(rows.due(0)).isTrue();
        assertThat(rows.nanosUntilDue(0)).isZero();
    }

    @Test
    void aFailedDeleteKeepsTheRowsAndADoneOneStartsTheWaitAgain() {
        UUID kept = UUID.randomUUID();
        rows.add(List.of(kept), 0);

        // the delete failed: nothing was marked deleted, so the same rows are due again
        assertThat(rows.ids()).containsExactly(kept);
        assertThat(rows.due(250 * MS)).isTrue();

        rows.deleted();
        assertThat(rows.isEmpty()).isTrue();
        rows.add(ids(1), 1_000 * MS);
        assertThat(rows.due(1_200 * MS)).isFalse();
        assertThat(rows.due(1_250 * MS)).isTrue();
    }

    @Test
    void aZeroDelayDeletesEveryBatchAtOnce() {
        PublishedRows immediate = new PublishedRows(Duration.ZERO, 4);

        immediate.add(ids(1), 0);

        assertThat(immediate.due(0)).isTrue();
    }

    @Test
    void refusesANegativeDelayOrAnEmptyBatch() {
        assertThatIllegalArgumentException().isThrownBy(() -> new PublishedRows(Duration.ofMillis(-1), 4));
        assertThatIllegalArgumentException().isThrownBy(() -> new PublishedRows(Duration.ofMillis(250), 0));
    }

    private static List<UUID> ids(int count) {
        return Stream.generate(UUID::randomUUID).limit(count).toList();
    }
}
