package io.orderflow.platform;

import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The transaction manager of a process with a database: Spring Boot's own choice, JDBC's, customised by the same
 * {@code spring.transaction.*} settings, and able to send a transaction's last statements with its commit
 * ({@link PipelinedCommitTransactionManager}, ADR 0025). Boot's own steps aside when this one is defined.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnAnyModule
class Transactions {

    @Bean
    PipelinedCommitTransactionManager transactionManager(
            DataSource dataSource, ObjectProvider<TransactionManagerCustomizers> customizers) {
        PipelinedCommitTransactionManager manager = new PipelinedCommitTransactionManager(dataSource);
        customizers.ifAvailable(c -> c.customize(manager));
        return manager;
    }
}
