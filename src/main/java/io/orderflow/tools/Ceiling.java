package io.orderflow.tools;

import com.zaxxer.hikari.HikariDataSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The machine's own limit, measured with the same PostgreSQL (and RabbitMQ or Redis): what orderflow's throughput
 * is compared against.
 */
final class Ceiling {

    /** A ~300-byte JSON document, the size of a typical command in the outbox ("": " so pgbench sees no :variable). */
    static final String PAYLOAD =
            "{\"order_id\": \"6f1c2a9e-2d4b-4c61-9a57-3f0e8b7d1c25\",\"items\": [{\"sku\": \"BENCH-0001\","
                    + "\"quantity\": 2,\"unit_price\": 19.99},{\"sku\": \"BENCH-0420\",\"quantity\": 1,\"unit_price\": 54.00}],"
                    + "\"amount\": 93.98,\"currency\": \"USD\",\"card_token\": \"tok_visa\",\"shipping_address\": {\"name\": "
                    + "\"Load Test\",\"city\": \"Testville\",\"postal_code\": \"12345\",\"country\": \"US\"}}";

    private Ceiling() {}

    /**
     * pgbench, {@code clients} connections for {@code seconds}: each transaction is one saga step (insert into
     * an inbox, update one of 100,000 rows, insert an outbox row with a ~300-byte jsonb payload), in a scratch
     * schema created here and dropped after.
     */
    static Map<String, Object> pgbench(Db db, String pgbench, int clients, int seconds, Path dir) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tool", "pgbench");
        result.put("clients", clients);
        result.put("seconds", seconds);
        result.put("transaction", "insert inbox + update 1 of 100,000 rows + insert outbox (300-byte jsonb)");
        String schema =
                "bench_ceiling_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        DataSource pool = db.dataSource();
        JdbcClient jdbc = JdbcClient.create(pool);
        try {
            // a generated identifier of [a-z0-9_]; DDL cannot take bound parameters
            jdbc.sql("create schema " + schema).update();
            jdbc.sql("create table " + schema + ".inbox (message_id uuid primary key, type text not null, "
                            + "received_at timestamptz not null default now())")
                    .update();
            jdbc.sql("create table " + schema + ".item (id int primary key, available int not null, "
                            + "version bigint not null)")
                    .update();
            jdbc.sql(
                            "create table " + schema
                                    + ".outbox (id bigserial primary key, message_id uuid not null unique, "
                                    + "type text not null, payload jsonb not null, occurred_at timestamptz not null default now())")
                    .update();
            jdbc.sql("insert into " + schema + ".item select g, 1000000, 0 from generate_series(1, 100000) g")
                    .update();
            jdbc.sql("analyze " + schema + ".item").update();
            Path script = dir.resolve("pgbench-saga-step.sql");
            Files.writeString(script, """
                    \\set id random(1, 100000)
                    BEGIN;
                    INSERT INTO %1$s.inbox (message_id, type) VALUES (gen_random_uuid(), 'StockReserved');
                    UPDATE %1$s.item SET available = available - 1, version = version + 1 WHERE id = :id;
                    INSERT INTO %1$s.outbox (message_id, type, payload) VALUES (gen_random_uuid(), 'ChargePayment', '%2$s');
                    END;
                    """.formatted(schema, PAYLOAD));
            List<String> command = List.of(
                    pgbench,
                    "-n",
                    "-h",
                    db.host(),
                    "-p",
                    String.valueOf(db.port()),
                    "-U",
                    db.user(),
                    "-c",
                    String.valueOf(clients),
                    "-j",
                    "2",
                    "-T",
                    String.valueOf(seconds),
                    "-f",
                    script.toString(),
                    db.database());
            result.put("command", String.join(" ", command));
            String out = run(
                    command,
                    db.password().isEmpty() ? Map.of() : Map.of("PGPASSWORD", db.password()),
                    seconds + 60,
                    dir.resolve("pgbench.log"));
            result.put("tps", number(out, "tps = ([0-9.]+)"));
            result.put("latency_avg_ms", number(out, "latency average = ([0-9.]+) ms"));
            if (result.get("tps") == null) {
                result.put("error", "no tps in pgbench output (see pgbench.log)");
            }
        } catch (IOException | RuntimeException e) {
            result.put("error", e.toString());
        } finally {
            try {
                jdbc.sql("drop schema if exists " + schema + " cascade").update();
            } catch (RuntimeException e) {
                result.put("cleanup_error", e.toString());
            }
            ((HikariDataSource) pool).close();
        }
        return result;
    }

    /**
     * RabbitMQ PerfTest (a separate JVM on {@code classpath}): one producer, one consumer, persistent 300-byte
     * messages with publisher confirms (64 outstanding, like a relay batch) and manual acks (prefetch 50, like
     * orderflow's consumers), on a durable classic queue deleted afterwards.
     */
    static Map<String, Object> perfTest(String classpath, String uri, int seconds, Path dir) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tool", "rabbitmq perf-test 2.22.1");
        String queue = "orderflow-bench-ceiling-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                classpath,
                "com.rabbitmq.perf.PerfTest",
                "-h",
                uri,
                "-x",
                "1",
                "-y",
                "1",
                "-f",
                "persistent",
                "-s",
                "300",
                "-c",
                "64",
                "-q",
                "50",
                "-u",
                queue,
                "--auto-delete",
                "true",
                "-z",
                String.valueOf(seconds)));
        result.put("command", String.join(" ", command).replace(uri, redact(uri)));
        result.put(
                "settings",
                "1 producer, 1 consumer, persistent, 300 B, confirms (64 outstanding), prefetch 50, " + seconds + " s");
        try {
            String out = run(command, Map.of(), seconds + 60, dir.resolve("perf-test.log"));
            result.put("published_per_second", number(out, "sending rate avg: ([0-9.]+) msg/s"));
            result.put("consumed_per_second", number(out, "receiving rate avg: ([0-9.]+) msg/s"));
            if (result.get("consumed_per_second") == null) {
                result.put("error", "no rate in perf-test output (see perf-test.log)");
            }
        } catch (IOException | RuntimeException e) {
            result.put("error", e.toString());
        }
        return result;
    }

    /**
     * One message read from a stream by a consumer group and acknowledged, in one server call as orderflow's
     * consumers do it in two ({@code XREADGROUP ... COUNT 1}, then {@code XACK}).
     */
    static final String READ_AND_ACK = "local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], 'c', 'COUNT', 1, "
            + "'STREAMS', KEYS[1], '>') if r then redis.call('XACK', KEYS[1], ARGV[1], r[1][2][1][1]) return 1 end "
            + "return 0";

    /**
     * redis-benchmark against the Redis that carries the messages, on a stream of its own deleted afterwards: first
     * {@code requests} {@code XADD}s of a 300-byte payload from 16 connections pipelined 16 deep (the relay's
     * pipelined batches), then as many {@code XREADGROUP COUNT 1} + {@code XACK} (one {@code EVALSHA} each) from 8
     * connections unpipelined (a module's consumers). Redis runs commands on one thread, so a message that is both
     * added and read and acknowledged costs the sum of the two: {@code messages_per_second} combines the two rates
     * as {@code 1 / (1/published + 1/consumed)}.
     */
    static Map<String, Object> redisBenchmark(String redisBenchmark, String uri, int requests, Path dir) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tool", "redis-benchmark");
        result.put(
                "settings",
                requests + " XADD (300 B, 16 connections, pipeline 16), then " + requests
                        + " XREADGROUP COUNT 1 + XACK (EVALSHA, 8 connections, no pipeline)");
        String stream =
                "orderflow-bench-ceiling-" + UUID.randomUUID().toString().substring(0, 8);
        String group = "ceiling";
        result.put("stream", stream);
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            try {
                redis.xgroupCreate(
                        XReadArgs.StreamOffset.from(stream, "0-0"), group, XGroupCreateArgs.Builder.mkstream());
                String sha = redis.scriptLoad(READ_AND_ACK);
                List<String> publish = redisBenchmarkCommand(
                        redisBenchmark,
                        uri,
                        16,
                        16,
                        requests,
                        "XADD",
                        stream,
                        "*",
                        "type",
                        "ChargePayment",
                        "payload",
                        PAYLOAD);
                List<String> consume =
                        redisBenchmarkCommand(redisBenchmark, uri, 8, 1, requests, "EVALSHA", sha, "1", stream, group);
                result.put(
                        "command",
                        String.join(" ", publish)
                                        .replace(PAYLOAD, "<300-byte payload>")
                                        .replace(uri, redact(uri))
                                + " && "
                                + String.join(" ", consume).replace(uri, redact(uri)));
                Double published = csvRate(run(publish, Map.of(), 600, dir.resolve("redis-benchmark-xadd.log")));
                Double consumed = csvRate(run(consume, Map.of(), 600, dir.resolve("redis-benchmark-read-ack.log")));
                result.put("published_per_second", published);
                result.put("consumed_per_second", consumed);
                long left = redis.xpending(stream, group).getCount();
                long read = redis.xlen(stream);
                result.put("entries_added", read);
                result.put("entries_left_unacknowledged", left);
                if (published == null || consumed == null) {
                    result.put("error", "no rate in redis-benchmark output (see redis-benchmark-*.log)");
                } else {
                    result.put("messages_per_second", combined(published, consumed));
                }
            } finally {
                redis.unlink(stream);
            }
        } catch (IOException | RuntimeException e) {
            result.put("error", e.toString());
        } finally {
            client.shutdown();
        }
        return result;
    }

    private static List<String> redisBenchmarkCommand(
            String redisBenchmark, String uri, int clients, int pipeline, int requests, String... command) {
        List<String> line = new ArrayList<>(List.of(
                redisBenchmark,
                "-u",
                uri,
                "-c",
                String.valueOf(clients),
                "-P",
                String.valueOf(pipeline),
                "-n",
                String.valueOf(requests),
                "--csv"));
        line.addAll(List.of(command));
        return line;
    }

    /**
     * The requests per second in redis-benchmark's {@code --csv} output: the first of the seven figures that end its
     * last line (the test's name before them is the command line, quotes unescaped).
     */
    static Double csvRate(String csv) {
        return number(csv, "(?m)\"([0-9.]+)\"(?:,\"[0-9.]+\"){6}$");
    }

    /** Messages per second through one server thread that spends 1/published on adding and 1/consumed on reading. */
    static double combined(double published, double consumed) {
        return Math.round(1 / (1 / published + 1 / consumed) * 100) / 100.0;
    }

    private static String redact(String uri) {
        return uri.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@");
    }

    static Double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        Double last = null;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        return last;
    }

    private static String run(List<String> command, Map<String, String> env, int timeoutSeconds, Path log)
            throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                throw new IllegalStateException(command.get(0) + " did not finish within " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
