package io.orderflow.platform;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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

    /**
     * Settings of the embedded server that configuration cannot change: commits are durable, as in production, and
     * the benchmark measures with them on.
     */
    static final Map<String, String> FIXED_SETTINGS = Map.of("fsync", "on", "synchronous_commit", "on");

    /** Settings of the embedded server that configuration may change: room for every module's pool and the tools. */
    static final Map<String, String> DEFAULT_SETTINGS = Map.of("max_connections", "200");

    @Bean
    @ConfigurationProperties("orderflow.database.embedded")
    ServerSettings embeddedServerSettings() {
        return new ServerSettings();
    }

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(
            @Value("${orderflow.database.embedded.data-dir:./data/postgres}") Path dataDir,
            @Value("${orderflow.database.embedded.port:0}") int port,
            ServerSettings settings)
            throws IOException {
        Map<String, String> serverSettings = serverSettings(settings.getServerSettings());
        Files.createDirectories(dataDir);
        // stopped by this context, after everything that uses it: the library's own shutdown hook stopped the server
        // at SIGTERM beside Spring's, while the relays, consumers and requests in flight still used it, and the
        // process then waited for connections that could not come (20 s and more after a benchmark's load)
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setRegisterShutdownHook(false);
        serverSettings.forEach(builder::setServerConfig);
        EmbeddedPostgres postgres = builder.setDataDirectory(dataDir.toAbsolutePath())
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
        log.info(
                "Embedded PostgreSQL listening on {} (data in {}, settings {})",
                postgres.getJdbcUrl("postgres", "postgres"),
                dataDir.toAbsolutePath(),
                serverSettings);
        return postgres;
    }

    /**
     * The server's settings: the defaults, the configured ones over them
     * ({@code orderflow.database.embedded.server-settings[name]}), and the fixed ones. A configured setting that would
     * change a fixed one stops the start with the reason.
     */
    static Map<String, String> serverSettings(Map<String, String> configured) {
        Map<String, String> all = new TreeMap<>(DEFAULT_SETTINGS);
        configured.forEach((name, value) -> {
            String key = name.strip().toLowerCase(Locale.ROOT);
            String fixed = FIXED_SETTINGS.get(key);
            if (fixed != null && !fixed.equalsIgnoreCase(value.strip())) {
                throw new IllegalStateException("orderflow.database.embedded.server-settings[" + name + "]=" + value
                        + ": the embedded server runs with " + key + "=" + fixed + ", which configuration cannot "
                        + "change (orderflow's guarantees rely on durable commits; docs/configuration.md)");
            }
            all.put(key, value.strip());
        });
        all.putAll(FIXED_SETTINGS);
        return all;
    }

    /** {@code orderflow.database.embedded.server-settings}: PostgreSQL settings by name, as {@code postgres -c}. */
    static final class ServerSettings {

        private Map<String, String> serverSettings = new LinkedHashMap<>();

        public Map<String, String> getServerSettings() {
            return serverSettings;
        }

        public void setServerSettings(Map<String, String> serverSettings) {
            this.serverSettings = serverSettings;
        }
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
