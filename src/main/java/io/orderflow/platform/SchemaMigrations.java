package io.orderflow.platform;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Migrates, for every module this process runs, the module's own schema: first the messaging kernel's
 * tables (outbox, inbox, dead letters), then the module's own migrations from
 * {@code db/migration/<module>}. Processes that run other modules never touch these schemas.
 */
@Component
@ConditionalOnAnyModule
public class SchemaMigrations {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

    SchemaMigrations(DataSource dataSource, Environment environment) {
        for (String module : Modules.from(environment).running()) {
            String schema = Modules.schemaOf(module);
            migrate(dataSource, schema, "messaging", "messaging_schema_history");
            migrate(dataSource, schema, module, "flyway_schema_history");
        }
        if ("postgres".equals(environment.getProperty("orderflow.transport", "postgres"))) {
            migrate(dataSource, "broker", "broker", "flyway_schema_history");
        }
    }

    /**
     * Migrates the schema of a part that runs beside a module rather than as one (the seeds' compatibility layer,
     * {@code compat}): its own schema, from {@code db/migration/<schema>}, without the messaging kernel's tables.
     */
    public static void migrateOwnSchema(DataSource dataSource, String schema) {
        migrate(dataSource, schema, schema, "flyway_schema_history");
    }

    private static void migrate(DataSource dataSource, String schema, String location, String historyTable) {
        var result = Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .locations("classpath:db/migration/" + location)
                .table(historyTable)
                // two histories share the schema (kernel tables, module tables): the second one to arrive
                // finds tables it does not own, and starts from version 0 so all its own migrations apply
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        log.info("Schema {}: {} migration(s) from {} applied", schema, result.migrationsExecuted, location);
    }
}
