package io.orderflow.platform;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A collection that lives as long as the current transaction: made on its first use, given to a callback just before
 * the transaction commits and to another once it has committed, and dropped when it completes either way. A
 * transaction started inside it ({@code REQUIRES_NEW}) has its own, and the outer one gets its collection back when it
 * resumes. The one place the code base binds such state to a transaction ({@link AfterCommit#collect}, the outbox's
 * rows and the message journal's entries use it).
 */
public final class TransactionBound {

    private TransactionBound() {}

    /**
     * The current transaction's collection under {@code key}, made by {@code create} on its first use. Just before the
     * transaction commits, {@code beforeCommit} is given it (on the transaction's connection: what it writes commits
     * with the rest, and a failure there rolls everything back); once it has committed, {@code afterCommit} is. When
     * it rolls back, neither is.
     *
     * @throws IllegalStateException outside a transaction
     */
    public static <T> T collect(String key, Supplier<T> create, Consumer<T> beforeCommit, Consumer<T> afterCommit) {
        return collect(key, Ordered.LOWEST_PRECEDENCE - 1, create, beforeCommit, afterCommit);
    }

    /**
     * {@link #collect}, for a record of what the transaction did: its callbacks run after those of every other
     * collection (and of any synchronization with an order of its own), so that what those still add just before or
     * after the commit is in it.
     */
    public static <T> T collectLast(String key, Supplier<T> create, Consumer<T> beforeCommit, Consumer<T> afterCommit) {
        return collect(key, Ordered.LOWEST_PRECEDENCE, create, beforeCommit, afterCommit);
    }

    private static <T> T collect(
            String key, int order, Supplier<T> create, Consumer<T> beforeCommit, Consumer<T> afterCommit) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("there is no transaction to collect " + key + " for");
        }
        T existing = current(key);
        if (existing != null) {
            return existing;
        }
        T collected = create.get();
        TransactionSynchronizationManager.bindResource(key, collected);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public int getOrder() {
                return order;
            }

            @Override
            public void beforeCommit(boolean readOnly) {
                beforeCommit.accept(collected);
            }

            // a transaction started inside this one (REQUIRES_NEW) collects its own
            @Override
            public void suspend() {
                TransactionSynchronizationManager.unbindResourceIfPossible(key);
            }

            @Override
            public void resume() {
                TransactionSynchronizationManager.bindResource(key, collected);
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(key);
                if (status == STATUS_COMMITTED) {
                    afterCommit.accept(collected);
                }
            }
        });
        return collected;
    }

    /** The current transaction's collection under {@code key}; null when it has none, or there is no transaction. */
    @SuppressWarnings("unchecked")
    public static <T> @Nullable T current(String key) {
        return (T) TransactionSynchronizationManager.getResource(key);
    }
}
