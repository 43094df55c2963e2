package io.orderflow.compat;

import io.orderflow.platform.ConditionalOnModule;
import io.orderflow.platform.SchemaMigrations;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Not a process of its own: it runs beside the order module, whose public API it uses, unless
 * {@code orderflow.compat.enabled} is false.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("order")
@ConditionalOnProperty(name = "orderflow.compat.enabled", havingValue = "true", matchIfMissing = true)
@ComponentScan
public class CompatModule {

    /** The seeds' orders are kept in a schema of their own, migrated before the repository exists. */
    @Bean
    SeedOrders seedOrders(DataSource dataSource, JdbcClient jdbc, JsonMapper json) {
        SchemaMigrations.migrateOwnSchema(dataSource, SeedOrders.SCHEMA);
        return new SeedOrders(jdbc, json);
    }
}
