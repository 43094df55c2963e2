package io.orderflow.platform;

import io.orderflow.it.TestInfrastructure;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One module's schema, migrated as the module's own process migrates it ({@link SchemaMigrations}), on a
 * fresh database of its own for one test class, so leftovers from another run cannot change a result. For
 * the specs of a participant's rules that live in SQL: the participant is called directly, each command in a
 * transaction as the dispatcher runs it, with no transport, relay or sweep running beside it.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ModuleDatabase db = ModuleDatabase.of("inventory");
 * </pre>
 */
public final class ModuleDatabase implements BeforeAllCallback, AfterAllCallback {

    private final String module;
    private Class<?> owner;
    private String url;
    private DataSource dataSource;
    private TransactionTemplate transactions;

    private ModuleDatabase(String module) {
        this.module = module;
    }

    public static ModuleDatabase of(String module) {
        return new ModuleDatabase(module);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (owner != null) {
            return; // a @Nested class of the test class that made the database: it shares it
        }
        owner = context.getRequiredTestClass();
        url = TestInfrastructure.createDatabase("orderflow_" + module);
        dataSource = new DriverManagerDataSource(url, TestInfrastructure.PG_USER, TestInfrastructure.PG_PASSWORD);
        // the module alone, on a transport that keeps no queue table in this database
        new SchemaMigrations(
                dataSource,
                new MockEnvironment()
                        .withProperty("orderflow.modules", module)
                        .withProperty("orderflow.transport", "rabbitmq"));
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getRequiredTestClass() == owner && url != null) {
            TestInfrastructure.dropDatabase(url);
        }
    }

    /** The module's database, for code under test that takes a data source. */
    public DataSource dataSource() {
        return dataSource;
    }

    public JdbcClient jdbc() {
        return JdbcClient.create(dataSource);
    }

    /** Runs {@code work} in one transaction, as the dispatcher runs a handler: all of it commits, or none. */
    public <T> T inTransaction(Supplier<T> work) {
        return transactions.execute(tx -> work.get());
    }

    public void inTransaction(Runnable work) {
        transactions.executeWithoutResult(tx -> work.run());
    }
}
