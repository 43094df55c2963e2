package io.orderflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The transaction-bound collection on a real transaction manager that holds no resource. */
class TransactionBoundUnitTest {

    private static final String KEY = "test.collection";

    private final List<String> events = new ArrayList<>();
    private final TransactionTemplate tx = new TransactionTemplate(new NoResourceTransactionManager());

    private List<String> collect(String name) {
        return TransactionBound.collect(
                KEY, ArrayList::new, c -> events.add(name + " before " + c), c -> events.add(name + " after " + c));
    }

    @Test
    void oneCollectionPerTransactionGivenToBothCallbacksOnCommit() {
        tx.executeWithoutResult(status -> {
            collect("tx").add("a");
            collect("tx").add("b");
            assertThat(TransactionBound.<List<String>>current(KEY)).containsExactly("a", "b");
            assertThat(events).isEmpty();
        });

        assertThat(events).containsExactly("tx before [a, b]", "tx after [a, b]");
        assertThat(TransactionBound.<List<String>>current(KEY)).isNull();
    }

    @Test
    void nothingIsGivenWhenTheTransactionRollsBack() {
        tx.executeWithoutResult(status -> {
            collect("tx").add("a");
            status.setRollbackOnly();
        });

        assertThat(events).isEmpty();
        assertThat(TransactionBound.<List<String>>current(KEY)).isNull();
    }

    @Test
    void aFailureBeforeTheCommitRollsBackAndSkipsTheAfterCommitCallback() {
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> TransactionBound.collect(
                                KEY,
                                ArrayList<String>::new,
                                c -> {
                                    throw new IllegalStateException("write failed");
                                },
                                c -> events.add("after"))
                        .add("a")))
                .hasMessage("write failed");

        assertThat(events).isEmpty();
        assertThat(TransactionBound.<List<String>>current(KEY)).isNull();
    }

    @Test
    void aTransactionStartedInsideAnotherHasItsOwnAndTheOuterGetsItsBack() {
        TransactionTemplate inner = new TransactionTemplate(tx.getTransactionManager());
        inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);

        tx.executeWithoutResult(status -> {
            collect("outer").add("a");
            inner.executeWithoutResult(innerStatus -> collect("inner").add("b"));
            collect("outer").add("c");
        });

        assertThat(events)
                .containsExactly("inner before [b]", "inner after [b]", "outer before [a, c]", "outer after [a, c]");
    }

    @Test
    void aCollectionKeptLastIsGivenItsCallbacksAfterTheOthersWhateverTheOrderTheyCameIn() {
        tx.executeWithoutResult(status -> {
            TransactionBound.collectLast(
                            "test.last",
                            ArrayList<String>::new,
                            c -> events.add("last before " + c),
                            c -> events.add("last after " + c))
                    .add("x");
            collect("first").add("a");
        });

        assertThat(events).containsExactly("first before [a]", "last before [x]", "first after [a]", "last after [x]");
    }

    @Test
    void outsideATransactionThereIsNothingToCollectFor() {
        assertThatIllegalStateException().isThrownBy(() -> collect("none"));
        assertThat(TransactionBound.<List<String>>current(KEY)).isNull();
    }

    @Test
    void afterCommitCollectGivesItsCollectionOnlyOnceCommitted() {
        tx.executeWithoutResult(status -> {
            AfterCommit.collect(KEY, ArrayList<String>::new, c -> events.add("after " + c))
                    .add("a");
            assertThat(events).isEmpty();
        });

        assertThat(events).containsExactly("after [a]");
    }

    /** Begins, suspends and commits nothing: enough for Spring's synchronization, which is what is under test. */
    private static final class NoResourceTransactionManager extends AbstractPlatformTransactionManager {

        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected boolean isExistingTransaction(Object transaction) {
            return TransactionSynchronizationManager.isActualTransactionActive();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {}

        @Override
        protected Object doSuspend(Object transaction) {
            return transaction;
        }

        @Override
        protected void doResume(@Nullable Object transaction, Object suspendedResources) {}

        @Override
        protected void doCommit(DefaultTransactionStatus status) {}

        @Override
        protected void doRollback(DefaultTransactionStatus status) {}
    }
}
