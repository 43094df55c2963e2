package io.orderflow.order;

import io.orderflow.platform.PeriodicTask;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Watches for orders whose step has been silent past its deadline. The deadlines are columns of the order,
 * so they survive restarts; several instances may watch at once (the order's version decides who acts).
 */
@Component
class SagaDeadlines extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(SagaDeadlines.class);

    private static final int PAGE = 100;

    private final JdbcClient jdbc;
    private final OrderManagement orders;

    SagaDeadlines(
            JdbcClient jdbc,
            OrderManagement orders,
            @Value("${orderflow.saga.deadline-check-interval:1s}") Duration interval) {
        super("saga-deadlines", interval);
        this.jdbc = jdbc;
        this.orders = orders;
    }

    int checkOnce() {
        // the deadlines were written from this process's clock, and onDeadline judges them by it: the database's
        // now() would disagree with both whenever the two clocks do (a backward skew re-read every order each round)
        List<String> due = jdbc.sql("select id from orders.purchase_order where next_deadline_at <= ? "
                        + "order by next_deadline_at limit ?")
                .params(Timestamp.from(Instant.now()), PAGE)
                .query(String.class)
                .list();
        for (String id : due) {
            try {
                orders.onDeadline(id);
            } catch (RuntimeException e) {
                log.warn("Deadline handling for order {} failed; next check retries", id, e);
            }
        }
        return due.size();
    }

    @Override
    protected boolean runOnce() {
        // a full page may have more behind it; a failing order waits for the next round, not a tight loop
        return checkOnce() == PAGE;
    }
}
