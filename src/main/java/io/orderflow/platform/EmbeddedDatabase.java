package io.orderflow.platform;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded default: a real PostgreSQL server started by this JVM (no installation needed), with its
 * data kept in {@code orderflow.database.embedded.data-dir} so orders survive a restart.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnAnyModule
@ConditionalOnProperty(name = "orderflow.database.mode", havingValue = "embedded", matchIfMissing = true)
class EmbeddedDatabase {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(
            @Value("${orderflow.database.embedded.data-dir:./data/postgres}") Path dataDir,
            @Value("${orderflow.database.embedded.port:0}") int port,
            @Value("${orderflow.database.embedded.shared-preload-libraries:}") String preload)
            throws IOException {
        Files.createDirectories(dataDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (!preload.isBlank()) {
            // e.g. pg_stat_statements, which the benchmark reads to count statements per order
            builder.setServerConfig("shared_preload_libraries", preload.strip());
        }
        EmbeddedPostgres postgres = builder.setDataDirectory(dataDir.toAbsolutePath())
                .setCleanDataDirectory(false)
                .setPort(port)
                // durable commits, as in production; the benchmark measures with them on
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200")
                .start();
        log.info(
                "Embedded PostgreSQL listening on {} (data in {})",
                postgres.getJdbcUrl("postgres", "postgres"),
                dataDir.toAbsolutePath());
        return postgres;
    }

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        return dataSource;
    }
}
