package io.orderflow.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Spring's JDBC transaction manager, which can send a transaction's last statements together with its {@code COMMIT}:
 * one round trip to PostgreSQL where there were two. A statement given to {@link #deferToCommit} while the transaction
 * commits (in a {@code beforeCommit} callback, where the outbox writes its rows) runs after every other callback of the
 * commit, as the last statement of the transaction, in the round trip that commits it (ADR 0025).
 *
 * <p>PostgreSQL's driver sends several statements of one SQL string in one round trip, and knows afterwards that the
 * transaction has ended, so the {@code commit()} that follows sends nothing. When one of the statements fails, the
 * server skips the rest, the {@code COMMIT} with them: nothing of the transaction is kept, and the commit throws the
 * statement's error, translated like any commit's. On a connection of another driver the statements run one by one,
 * then the connection commits.
 */
public class PipelinedCommitTransactionManager extends JdbcTransactionManager {

    private static final Logger log = LoggerFactory.getLogger(PipelinedCommitTransactionManager.class);

    /**
     * The statements waiting for the commits in progress on this thread, the innermost last: a transaction that begins
     * and commits inside another's commit (in one of its callbacks, {@code REQUIRES_NEW}) has its own.
     */
    private static final ThreadLocal<Deque<Commit>> COMMITTING = ThreadLocal.withInitial(ArrayDeque::new);

    private record Statement(String sql, List<@Nullable Object> parameters) {}

    /** One commit in progress: the transaction, its connection, and what it sends with its {@code COMMIT}. */
    private record Commit(Object transaction, ConnectionHolder connectionHolder, List<Statement> statements) {}

    public PipelinedCommitTransactionManager(DataSource dataSource) {
        super(dataSource);
    }

    /**
     * Has {@code sql} (one statement, positional {@code ?} parameters bound to {@code parameters} in order) sent with
     * the {@code COMMIT} of the transaction that {@code dataSource}'s connection is in on this thread, when that is a
     * transaction of this manager and it is committing; false otherwise, and the caller runs the statement itself. A
     * deferred statement runs after everything else the transaction does, so nothing in the transaction may read what
     * it writes; it is not run at all when the transaction rolls back.
     */
    public static boolean deferToCommit(
            DataSource dataSource, String sql, List<? extends @Nullable Object> parameters) {
        Commit commit = COMMITTING.get().peekLast();
        if (commit == null || TransactionSynchronizationManager.getResource(dataSource) != commit.connectionHolder()) {
            return false; // no commit of ours in progress, or the caller's connection is not the one committing
        }
        if (sql.indexOf(';') >= 0) {
            throw new IllegalArgumentException("one statement at a time: " + sql);
        }
        commit.statements().add(new Statement(sql, new ArrayList<>(parameters)));
        return true;
    }

    @Override
    protected void prepareForCommit(DefaultTransactionStatus status) {
        super.prepareForCommit(status);
        if (status.isNewTransaction()) {
            if (TransactionSynchronizationManager.getResource(obtainDataSource()) instanceof ConnectionHolder holder) {
                COMMITTING.get().addLast(new Commit(status.getTransaction(), holder, new ArrayList<>()));
            }
        }
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        Commit commit = remove(status.getTransaction());
        if (commit != null && !commit.statements().isEmpty()) {
            Connection connection = commit.connectionHolder().getConnection();
            try {
                sendWithCommit(connection, commit);
            } catch (SQLException e) {
                rollBackQuietly(connection);
                throw translateException("JDBC commit", e);
            }
        }
        // after a commit sent with the statements, PostgreSQL's driver knows there is nothing left to commit
        super.doCommit(status);
    }

    @Override
    protected void doCleanupAfterCompletion(Object transaction) {
        remove(transaction); // a commit that failed before doCommit, or a rollback after its callbacks
        super.doCleanupAfterCompletion(transaction);
    }

    private static @Nullable Commit remove(Object transaction) {
        Deque<Commit> committing = COMMITTING.get();
        Commit last = committing.peekLast();
        if (last == null || last.transaction() != transaction) {
            return null;
        }
        committing.removeLast();
        if (committing.isEmpty()) {
            COMMITTING.remove();
        }
        return last;
    }

    private static void sendWithCommit(Connection connection, Commit commit) throws SQLException {
        if (!connection.isWrapperFor(PGConnection.class)) {
            for (Statement statement : commit.statements()) {
                execute(connection, statement.sql(), statement.parameters());
            }
            return; // committed by the caller
        }
        StringBuilder sql = new StringBuilder();
        List<@Nullable Object> parameters = new ArrayList<>();
        for (Statement statement : commit.statements()) {
            sql.append(statement.sql()).append(";\n");
            parameters.addAll(statement.parameters());
        }
        execute(connection, sql.append("commit").toString(), parameters);
    }

    private static void execute(Connection connection, String sql, List<@Nullable Object> parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                StatementCreatorUtils.setParameterValue(statement, i + 1, SqlTypeValue.TYPE_UNKNOWN, parameters.get(i));
            }
            statement.execute();
            // one result per statement; the driver reports the first failure when it reads them
            while (statement.getMoreResults() || statement.getUpdateCount() != -1) {
                // nothing to read: the statements write
            }
        }
    }

    private static void rollBackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            log.debug("rolling back after a failed commit", e);
        }
    }
}
