package io.orderflow.tools;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of the chaos harness's own, for the distributed mode on the Redis Streams transport
 * ({@code --transport redis}): {@code redis-server} on a free port bound to 127.0.0.1, its append-only file in a
 * temporary directory {@code /tmp/orderflow-chaos-redis-*}, no snapshots. The harness may crash it (SIGKILL) and start
 * it again on the same directory and port: it replays its append-only file. The shared Redis on 6379 is never
 * touched.
 *
 * <p>{@code appendonly yes} with {@code appendfsync always} by default: the setting docs/architecture.md ("Redis
 * Streams", Durability) and ADR 0014 name for "nothing Redis answered is lost". With {@code everysec} a SIGKILL
 * loses the writes Redis postponed while a background fsync lagged (up to 2 s of them on a slow disk), and an
 * {@code XADD} among them is a lost message: the transport deleted its outbox row when Redis answered. The harness
 * tests the promise, so it runs the setting that makes it; {@code --redis-appendfsync everysec} runs the other.
 */
final class HarnessRedis implements HarnessTransport {

    /** Entries counted after a group's last delivered one, at most (the drain needs zero, not the exact number). */
    private static final int COUNT_LIMIT = 10_000;

    private final String binary;
    private final int port;
    private final String appendFsync;
    private final Path dir;
    private final Path out;
    private volatile Process server;
    private RedisClient client;

    HarnessRedis(String binary, int port, String appendFsync, Path out) throws IOException {
        if (!List.of("always", "everysec").contains(appendFsync)) {
            throw new IllegalArgumentException("--redis-appendfsync: always or everysec, not " + appendFsync);
        }
        this.binary = binary;
        this.port = port;
        this.appendFsync = appendFsync;
        this.out = out;
        this.dir = Files.createTempDirectory("orderflow-chaos-redis-");
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public int port() {
        return port;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    String appendFsync() {
        return appendFsync;
    }

    @Override
    public Path directory() {
        return dir;
    }

    /** The command line: this directory, this port, the append-only file, no snapshot, in the foreground. */
    List<String> command() {
        return List.of(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--appendonly",
                "yes",
                "--appendfsync",
                appendFsync,
                "--save",
                "",
                "--daemonize",
                "no",
                "--logfile",
                "");
    }

    /** Starts the server (again, after a crash: it replays its append-only file) and waits until it answers PING. */
    @Override
    public void start(Duration timeout) throws IOException {
        if (server != null && server.isAlive()) {
            throw new IllegalStateException("the Redis server runs already (PID " + pid() + ")");
        }
        server = new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        out.resolve("redis-server.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        long end = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < end) {
            if (!server.isAlive()) {
                throw new IOException("redis-server exited during start-up with " + server.exitValue() + " (see "
                        + out.resolve("redis-server.log") + ")");
            }
            last = ping();
            if (last.equals("+PONG")) {
                return;
            }
            Quietly.sleep(100);
        }
        throw new IOException("the harness's Redis on :" + port + " did not answer PING within " + timeout.toSeconds()
                + " s (last: " + last + ")");
    }

    /** PING on a connection of its own: {@code +PONG}, {@code -LOADING ...} while it replays its file, or why not. */
    String ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream o = socket.getOutputStream();
            o.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n' && line.length() < 200) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public long pid() {
        Process p = server;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** The crash: SIGKILL, no shutdown, no last write to the append-only file. */
    @Override
    public void crash() throws IOException {
        Process p = server;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("no Redis server to crash");
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IOException("redis-server (PID " + p.pid() + ") did not end within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * The module processes on this server: the distributed profile with the {@code redis} one (the Redis Streams
     * transport), the run's namespace as the key prefix.
     */
    @Override
    public List<String> appArguments(String namespace, int port) {
        return List.of(
                "--spring.profiles.active=distributed,redis",
                "--orderflow.redis.url=redis://127.0.0.1:" + port,
                "--orderflow.redis.prefix=" + namespace);
    }

    @Override
    public String pidLine() {
        return "redis " + pid() + " " + dir;
    }

    /**
     * Under the prefix {@code namespace}: per stream and consumer group, the entries delivered and not yet
     * acknowledged ({@code <stream> pending}) and those not yet delivered ({@code <stream> undelivered}, counted after
     * the group's last delivered entry); per retry set, its members (failed entries waiting out their backoff). The
     * acknowledged entries a stream keeps until its next trim are not in flight and not counted.
     */
    @Override
    public Map<String, Long> inFlight(String namespace) throws IOException {
        try (StatefulRedisConnection<String, String> connection = client().connect()) {
            return inFlight(connection.sync(), namespace);
        } catch (RuntimeException e) {
            throw new IOException("the harness's Redis on :" + port + " does not answer: " + e.getMessage(), e);
        }
    }

    static Map<String, Long> inFlight(RedisCommands<String, String> redis, String namespace) {
        Map<String, Long> counts = new TreeMap<>();
        for (String key : redis.keys(namespace + ":*")) {
            String type = redis.type(key);
            if ("zset".equals(type)) {
                counts.put(key, redis.zcard(key));
            } else if ("stream".equals(type)) {
                for (Object group : redis.xinfoGroups(key)) {
                    Map<String, Object> info = pairs(group);
                    String name = String.valueOf(info.get("name"));
                    counts.put(
                            key + " " + name + " pending",
                            redis.xpending(key, name).getCount());
                    counts.put(key + " " + name + " undelivered", (long) redis.xrange(
                                    key,
                                    Range.from(
                                            Range.Boundary.excluding(String.valueOf(info.get("last-delivered-id"))),
                                            Range.Boundary.unbounded()),
                                    Limit.create(0, COUNT_LIMIT))
                            .size());
                }
            }
        }
        return counts;
    }

    /** A reply of alternating names and values (XINFO GROUPS's entries), as a map. */
    static Map<String, Object> pairs(Object reply) {
        Map<String, Object> map = new HashMap<>();
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                map.put(String.valueOf(list.get(i)), list.get(i + 1));
            }
        }
        return map;
    }

    private synchronized RedisClient client() {
        if (client == null) {
            RedisURI uri = RedisURI.create(url());
            uri.setTimeout(Duration.ofSeconds(5));
            client = RedisClient.create(uri);
        }
        return client;
    }

    @Override
    public String describe() {
        return "the harness's own redis-server on :" + port + " (appendonly yes, appendfsync " + appendFsync + ", "
                + dir + ")";
    }

    /**
     * Stops the server (SIGTERM: Redis writes its append-only file and exits; SIGKILL after 10 s), keeps its log (in
     * the run's directory from the start) and removes its directory. Never throws.
     */
    @Override
    public void destroy() {
        synchronized (this) {
            if (client != null) {
                try {
                    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                } catch (RuntimeException e) {
                    System.err.println("chaos: closing the Redis client failed: " + e.getMessage());
                }
                client = null;
            }
        }
        Process p = server;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        Quietly.removeTree(dir);
    }
}
