package io.orderflow.order;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Watches for orders whose step has been silent past its deadline. The deadlines are columns of the order,
 * so they survive restarts; several instances may watch at once (the order's version decides who acts).
 */
@Component
class SagaDeadlines implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SagaDeadlines.class);

    private final JdbcClient jdbc;
    private final OrderManagement orders;
    private final Duration interval;
    private volatile boolean running;
    private Thread thread;

    SagaDeadlines(JdbcClient jdbc, OrderManagement orders,
            @Value("${orderflow.saga.deadline-check-interval:1s}") Duration interval) {
        this.jdbc = jdbc;
        this.orders = orders;
        this.interval = interval;
    }

    int checkOnce() {
        List<String> due = jdbc.sql("select id from orders.purchase_order where next_deadline_at <= now() "
                + "order by next_deadline_at limit 100")
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

    private void run() {
        while (running) {
            try {
                if (checkOnce() == 0) {
                    Thread.sleep(interval.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Deadline check failed; retrying", e);
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "saga-deadlines");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
