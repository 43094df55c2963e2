package io.orderflow.order.analytics;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code java -jar orderflow.jar replay <projection> --db-url ...}: rebuilds a projection from the order history in
 * the database the application uses, beside the live tables, and swaps it in (see {@link Projections#replay}); the
 * running application goes on serving and projecting meanwhile. Dispatched by {@code OrderflowApplication.main}
 * before Spring starts. Exit code 0 when the rebuilt tables equal the live ones, 1 when they differ or the replay
 * failed, 2 on bad usage.
 */
public final class ReplayCommand {

    public static final String NAME = "replay";

    private ReplayCommand() {}

    public static boolean handles(String[] args) {
        return args.length > 0 && args[0].equals(NAME);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        String projection = null;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println(usage());
                return 0;
            }
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                if (eq > 0) {
                    options.put(arg.substring(2, eq), arg.substring(eq + 1));
                } else if (i + 1 < args.length) {
                    options.put(arg.substring(2), args[++i]);
                } else {
                    err.println("replay: " + arg + " needs a value");
                    err.println(usage());
                    return 2;
                }
            } else if (projection == null) {
                projection = arg;
            } else {
                err.println("replay: one projection at a time, not also " + arg);
                return 2;
            }
        }
        String url = optionOrNull(options, "db-url", System.getenv("SPRING_DATASOURCE_URL"));
        if (projection == null || url == null) {
            err.println("replay: " + (projection == null ? "which projection?" : "--db-url is required"));
            err.println(usage());
            return 2;
        }
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(url);
            pool.setUsername(option(options, "db-user", "postgres"));
            pool.setPassword(option(options, "db-password", ""));
            pool.setMaximumPoolSize(2);
            pool.setPoolName("orderflow-replay");
            JdbcClient jdbc = JdbcClient.create(pool);
            Projections projections = AnalyticsConfiguration.registry(
                    jdbc,
                    new TransactionTemplate(new DataSourceTransactionManager(pool)),
                    new EventStream(jdbc),
                    Integer.parseInt(option(options, "batch-size", "500")));
            if (projections.find(projection).isEmpty()) {
                err.println("replay: there is no projection '" + projection + "'; there are: "
                        + String.join(", ", projections.names()));
                return 2;
            }
            out.println("Replaying " + projection + " from the order history ...");
            Projections.ReplayResult result = projections.replay(projection);
            out.println("Replayed " + result.eventsReplayed() + " events in " + result.durationMillis()
                    + " ms; checkpoint now at tx " + result.checkpoint().txText() + ", position "
                    + result.checkpoint().position() + ".");
            for (Projections.TableComparison table : result.comparison()) {
                out.println("  " + table.table() + ": live " + table.liveRows() + " rows, rebuilt "
                        + table.rebuiltRows() + " rows, only live " + table.onlyLive() + ", only rebuilt "
                        + table.onlyRebuilt() + (table.identical() ? " (identical)" : " (DIFFERENT)"));
            }
            out.println(
                    result.identical()
                            ? "The rebuilt model equals the live one; it is live now."
                            : "The rebuilt model differs from the live one (the live one had drifted); the rebuilt one"
                                    + " is live now.");
            return result.identical() ? 0 : 1;
        } catch (Projections.ReplayRunningException e) {
            err.println("replay: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("replay failed: " + e);
            return 1;
        }
    }

    private static @Nullable String optionOrNull(Map<String, String> options, String name, @Nullable String fallback) {
        String value = options.get(name);
        return value == null ? fallback : value;
    }

    private static String option(Map<String, String> options, String name, String fallback) {
        String value = options.get(name);
        return value == null ? fallback : value;
    }

    static String usage() {
        return """
                usage:
                  java -jar orderflow.jar replay <projection> --db-url jdbc:postgresql://127.0.0.1:5432/orderflow \\
                      [--db-user postgres] [--db-password ''] [--batch-size 500]
                projections: analytics""";
    }
}
