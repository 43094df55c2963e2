package io.orderflow.tools;

import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A plain JDBC connection to the database orderflow uses (no pool, no Spring context). */
record Db(String url, String user, String password) {

    static Db from(Args args) {
        return new Db(args.required("db-url"), args.get("db-user", "postgres"), args.get("db-password", ""));
    }

    /**
     * A small pool (at most 3 connections, kept open): the checker and the benchmark's queries must not
     * open a connection per query on a server whose connection slots the application already fills.
     */
    DataSource dataSource() {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaximumPoolSize(3);
        pool.setMinimumIdle(1);
        pool.setPoolName("orderflow-tools");
        pool.setConnectionTimeout(30_000);
        pool.setInitializationFailTimeout(-1);
        return pool;
    }

    /** The version of the server {@code jdbc} connects to, as {@code server_version_num} gives it (180006 = 18.6). */
    static int serverVersionNum(JdbcClient jdbc) {
        return jdbc.sql("select current_setting('server_version_num')::int")
                .query(Integer.class)
                .single();
    }

    /** jdbc:postgresql://host:port/database?... */
    String host() {
        return uri().getHost();
    }

    int port() {
        int port = uri().getPort();
        return port < 0 ? 5432 : port;
    }

    String database() {
        String path = uri().getPath();
        return path == null || path.length() <= 1 ? "postgres" : path.substring(1);
    }

    private URI uri() {
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("expected jdbc:postgresql://host:port/database, not " + url);
        }
        return URI.create(url.substring("jdbc:".length()));
    }
}
