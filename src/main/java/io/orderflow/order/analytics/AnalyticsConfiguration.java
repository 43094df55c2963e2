package io.orderflow.order.analytics;

import io.orderflow.order.OrderChanges;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The projections of the order history, in every process that runs the order module (picked up by its component
 * scan): the registry, the background projector, and the analytics read model's queries.
 */
@Configuration(proxyBeanMethods = false)
class AnalyticsConfiguration {

    @Bean
    EventStream orderEventStream(JdbcClient jdbc) {
        return new EventStream(jdbc);
    }

    @Bean
    Projections projections(
            JdbcClient jdbc,
            PlatformTransactionManager transactionManager,
            EventStream stream,
            @Value("${orderflow.projections.batch-size:500}") int batchSize) {
        return registry(jdbc, new TransactionTemplate(transactionManager), stream, batchSize);
    }

    /** Every projection there is: the one place to register another. Also used by the replay command. */
    static Projections registry(JdbcClient jdbc, TransactionTemplate transactions, EventStream stream, int batchSize) {
        return new Projections(jdbc, transactions, stream, List.of(new AnalyticsProjection(jdbc, stream)), batchSize);
    }

    @Bean
    Projector projector(
            Projections projections,
            OrderChanges changes,
            @Value("${orderflow.projections.interval:1s}") Duration interval,
            @Value("${orderflow.projections.linger:1s}") Duration linger,
            @Value("${orderflow.projections.enabled:true}") boolean enabled) {
        Projector projector = new Projector(projections, interval, linger, enabled);
        if (enabled) {
            changes.subscribe(orderId -> projector.wake());
        }
        return projector;
    }

    @Bean
    AnalyticsQueries analyticsQueries(JdbcClient jdbc) {
        return new AnalyticsQueries(jdbc);
    }
}
