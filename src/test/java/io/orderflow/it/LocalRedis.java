package io.orderflow.it;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A Redis server of the test's own, on a free port, that the test can stop and start again (the shared one on
 * 6379 must not be stopped). Needs {@code redis-server} on the PATH ({@code ORDERFLOW_TEST_REDIS_SERVER}
 * names another binary).
 */
final class LocalRedis implements AutoCloseable {

    private final String binary = System.getenv().getOrDefault("ORDERFLOW_TEST_REDIS_SERVER", "redis-server");
    private final int port;
    private final Path dir;
    private final boolean appendOnly;
    private Process process;

    LocalRedis() throws IOException {
        this(false);
    }

    /**
     * With {@code appendOnly}, every write is in the append-only file before Redis answers it
     * ({@code appendfsync always}), so a killed and restarted server still holds everything it acknowledged.
     */
    LocalRedis(boolean appendOnly) throws IOException {
        this.appendOnly = appendOnly;
        this.port = TestInfrastructure.freePort();
        this.dir = Files.createTempDirectory("orderflow-redis");
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    LocalRedis start() throws IOException {
        process = new ProcessBuilder(
                        binary,
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        appendOnly ? "yes" : "no",
                        "--appendfsync",
                        "always",
                        "--dir",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        Awaitility.await("redis on " + port)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        return true;
                    }
                });
        return this;
    }

    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    /** Kills the server (SIGKILL): no shutdown, no last write; what it keeps is what was in its files. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        deleteRecursively(dir.toFile());
    }

    private static void deleteRecursively(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteRecursively(child);
            }
        }
        file.delete();
    }
}
