package io.orderflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orderflow.it.TestInfrastructure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The commit that carries a transaction's last statements, on a real PostgreSQL through a real pool of one connection:
 * each transaction gets the connection the one before it used, so a connection left in a transaction would show.
 */
class PipelinedCommitIntegrationTest {

    private static String url;
    private static HikariDataSource pool;
    private static JdbcClient jdbc;
    private static TransactionTemplate tx;

    @BeforeAll
    static void createDatabase() {
        url = TestInfrastructure.createDatabase("orderflow_pipelined_commit");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(TestInfrastructure.PG_USER);
        config.setPassword(TestInfrastructure.PG_PASSWORD);
        config.setMaximumPoolSize(1);
        pool = new HikariDataSource(config);
        jdbc = JdbcClient.create(pool);
        tx = new TransactionTemplate(new PipelinedCommitTransactionManager(pool));
        jdbc.sql("create table item (id int primary key, note text)").update();
    }

    @AfterAll
    static void dropDatabase() {
        pool.close();
        TestInfrastructure.dropDatabase(url);
    }

    @BeforeEach
    void empty() {
        jdbc.sql("delete from item").update();
    }

    private static void insert(int id) {
        jdbc.sql("insert into item (id, note) values (?, ?)").params(id, "now").update();
    }

    /** Defers an insert of {@code id} when the transaction commits, as the outbox does with its rows. */
    private static void deferOnCommit(int id, List<Boolean> deferred) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                deferred.add(PipelinedCommitTransactionManager.deferToCommit(
                        pool, "insert into item (id, note) values (?, ?)", List.of(id, "with the commit")));
            }
        });
    }

    private static List<Integer> committed() {
        return jdbc.sql("select id from item order by id").query(Integer.class).list();
    }

    @Test
    void runsWhatWasDeferredLastInTheRoundTripThatCommits() {
        List<Boolean> deferred = new ArrayList<>();
        List<Integer> seenJustBeforeTheCommit = new ArrayList<>();

        tx.executeWithoutResult(status -> {
            insert(1);
            deferOnCommit(2, deferred);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public int getOrder() {
                    return LOWEST_PRECEDENCE; // after the deferring callback, on the transaction's connection
                }

                @Override
                public void beforeCommit(boolean readOnly) {
                    insert(3);
                }

                @Override
                public void beforeCompletion() {
                    seenJustBeforeTheCommit.addAll(committed());
                }
            });
        });

        assertThat(deferred).containsExactly(true);
        assertThat(seenJustBeforeTheCommit).containsExactly(1, 3);
        assertThat(committed()).containsExactly(1, 2, 3);
        tx.executeWithoutResult(status -> insert(4)); // the pooled connection is out of its transaction
        assertThat(committed()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aDeferredStatementThatFailsRollsTheWholeTransactionBack() {
        insert(1);
        List<Boolean> deferred = new ArrayList<>();

        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
                    insert(2);
                    deferOnCommit(1, deferred); // the key is taken
                }))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(deferred).containsExactly(true);
        assertThat(committed()).containsExactly(1);
        tx.executeWithoutResult(status -> insert(3));
        assertThat(committed()).containsExactly(1, 3);
    }

    @Test
    void aTransactionRolledBackAfterDeferringDropsWhatItDeferred() {
        List<Boolean> deferred = new ArrayList<>();

        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
                    insert(1);
                    deferOnCommit(2, deferred);
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public int getOrder() {
                            return LOWEST_PRECEDENCE;
                        }

                        @Override
                        public void beforeCommit(boolean readOnly) {
                            throw new IllegalStateException("a callback after the outbox's failed");
                        }
                    });
                }))
                .hasMessageContaining("a callback after the outbox's failed");

        assertThat(deferred).containsExactly(true);
        assertThat(committed()).isEmpty();
        tx.executeWithoutResult(status -> insert(3)); // nothing left over for the next commit on this thread
        assertThat(committed()).containsExactly(3);
    }

    @Test
    void anInnerTransactionCommittingInsideAnotherSendsItsOwnStatementsWithItsOwnCommit() {
        List<Boolean> deferred = new ArrayList<>();
        // the inner transaction needs a second connection
        try (HikariDataSource two = new HikariDataSource()) {
            two.setJdbcUrl(url);
            two.setUsername(TestInfrastructure.PG_USER);
            two.setPassword(TestInfrastructure.PG_PASSWORD);
            two.setMaximumPoolSize(2);
            TransactionTemplate outer = new TransactionTemplate(new PipelinedCommitTransactionManager(two));
            TransactionTemplate nested = new TransactionTemplate(outer.getTransactionManager());
            nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
            JdbcClient onTwo = JdbcClient.create(two);
            outer.executeWithoutResult(status -> {
                onTwo.sql("insert into item (id, note) values (1, 'outer')").update();
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void beforeCommit(boolean readOnly) {
                        nested.executeWithoutResult(s -> {
                            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                                @Override
                                public void beforeCommit(boolean readOnly) {
                                    deferred.add(PipelinedCommitTransactionManager.deferToCommit(
                                            two, "insert into item (id, note) values (?, 'inner')", List.of(2)));
                                }
                            });
                        });
                        deferred.add(PipelinedCommitTransactionManager.deferToCommit(
                                two, "insert into item (id, note) values (?, 'outer')", List.of(3)));
                    }
                });
            });
        }

        assertThat(deferred).containsExactly(true, true);
        assertThat(committed()).containsExactly(1, 2, 3);
    }

    @Test
    void nothingIsDeferredWhereNoCommitOfItsOwnIsInProgress() {
        assertThat(PipelinedCommitTransactionManager.deferToCommit(pool, "select 1", List.of()))
                .as("outside a transaction")
                .isFalse();
        tx.executeWithoutResult(
                status -> assertThat(PipelinedCommitTransactionManager.deferToCommit(pool, "select 1", List.of()))
                        .as("in a transaction that is not committing yet")
                        .isFalse());

        List<Boolean> deferred = new ArrayList<>();
        new TransactionTemplate(new DataSourceTransactionManager(pool)).executeWithoutResult(status -> {
            insert(1);
            deferOnCommit(2, deferred);
        });
        assertThat(deferred).as("committed by another transaction manager").containsExactly(false);
        assertThat(committed()).containsExactly(1);
    }
}
