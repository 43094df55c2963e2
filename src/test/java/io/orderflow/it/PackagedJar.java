package io.orderflow.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.util.FileSystemUtils;

/**
 * The packaged jar as the tests that start whole processes run it: extracted and with a class-data sharing archive,
 * as Spring Boot documents for fast starts (docs/deployment.md, "Faster starts"). A process started this way maps the
 * classes a training run loaded instead of reading and verifying them again: on a 2-core machine nine module
 * processes started at once were ready in about half the time.
 *
 * <p>Prepared once per packaged jar: {@code java -Djarmode=tools -jar target/orderflow.jar extract}, then one training
 * run of that extract (every module, the gateway and discovery in one process, the {@code distributed} profile, on a
 * database, broker namespace and Redis prefix of its own, exiting once its context is refreshed) that writes the
 * archive. A later test class, or a later build of the same jar, reuses both. Should the preparation fail, processes
 * start from the packaged jar as before and the reason is printed: the archive makes starts faster, it changes
 * nothing they do.
 */
public final class PackagedJar {

    static final Path JAR = Path.of("target", "orderflow.jar");
    static final Path PREPARED = Path.of("target", "orderflow-cds");
    /** Beside the prepared folder, which a preparation deletes and writes again. */
    static final Path LOCK = Path.of("target", "orderflow-cds.lock").toAbsolutePath();

    /** What a start runs: {@code java <jvmOptions> -jar <jar>}. */
    public record Launch(Path jar, List<String> jvmOptions) {

        /** The command that starts the jar with these options before the launch's own. */
        public List<String> command(List<String> options) {
            List<String> command = new ArrayList<>();
            command.add(javaBinary());
            command.addAll(options);
            command.addAll(jvmOptions);
            command.add("-jar");
            command.add(jar.toString());
            return command;
        }
    }

    private static Launch launch;

    private PackagedJar() {}

    /**
     * The extract and its archive, prepared on the first call; the packaged jar itself if they cannot be. Test JVMs
     * that run at once take turns on a lock file: the first prepares, the others find the stamp and reuse it.
     */
    public static synchronized Launch launch() {
        if (launch == null) {
            try (LockFile ignored = LockFile.take(LOCK)) {
                launch = prepare();
            } catch (IOException e) {
                System.err.println("[packaged jar] lock file " + LOCK + ": " + e.getMessage());
                if (launch == null) {
                    launch = prepare();
                }
            }
        }
        return launch;
    }

    private static Launch prepare() {
        Path fat = JAR.toAbsolutePath();
        Path dir = PREPARED.toAbsolutePath();
        Path extracted = dir.resolve("app").resolve("orderflow.jar");
        Path archive = dir.resolve("orderflow.jsa");
        Path source = dir.resolve("source");
        try {
            String stamp =
                    Files.size(fat) + " " + Files.getLastModifiedTime(fat).toMillis() + " "
                            + System.getProperty("java.home") + " " + System.getProperty("java.vm.version");
            if (Files.isRegularFile(archive)
                    && Files.isRegularFile(extracted)
                    && Files.isRegularFile(source)
                    && Files.readString(source, StandardCharsets.UTF_8).equals(stamp)) {
                return new Launch(extracted, List.of("-XX:SharedArchiveFile=" + archive));
            }
            long started = System.nanoTime();
            FileSystemUtils.deleteRecursively(dir);
            Files.createDirectories(dir);
            run(
                    List.of(
                            javaBinary(),
                            "-Djarmode=tools",
                            "-jar",
                            fat.toString(),
                            "extract",
                            "--destination",
                            dir.resolve("app").toString()),
                    Map.of(),
                    dir.resolve("extract.log"));
            train(extracted, archive, dir);
            Files.writeString(source, stamp, StandardCharsets.UTF_8);
            System.out.printf(
                    "[packaged jar] extracted with a class-data sharing archive in %d s: %s%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), archive);
            return new Launch(extracted, List.of("-XX:SharedArchiveFile=" + archive));
        } catch (IOException | RuntimeException e) {
            System.err.println("[packaged jar] no class-data sharing archive (" + e.getMessage()
                    + "); processes start from " + fat);
            return new Launch(fat, List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Launch(fat, List.of());
        }
    }

    /** One start of every role that exits once its context is refreshed, writing the classes it loaded. */
    private static void train(Path extracted, Path archive, Path dir) throws IOException, InterruptedException {
        String databaseUrl = TestInfrastructure.createDatabase("orderflow_cds");
        String namespace = TestInfrastructure.newNamespace();
        try {
            Map<String, String> env = Map.ofEntries(
                    Map.entry("SPRING_PROFILES_ACTIVE", "distributed"),
                    Map.entry(
                            "ORDERFLOW_MODULES",
                            "customer,catalog,inventory,payment,shipping,notification,order,gateway,discovery"),
                    Map.entry("SERVER_PORT", Integer.toString(TestInfrastructure.freePort())),
                    Map.entry("SPRING_DATASOURCE_URL", databaseUrl),
                    Map.entry("SPRING_DATASOURCE_USERNAME", TestInfrastructure.PG_USER),
                    Map.entry("SPRING_DATASOURCE_PASSWORD", TestInfrastructure.PG_PASSWORD),
                    Map.entry("SPRING_DATASOURCE_HIKARI_MINIMUMIDLE", "1"),
                    Map.entry("SPRING_RABBITMQ_HOST", TestInfrastructure.RABBIT_HOST),
                    Map.entry("SPRING_RABBITMQ_PORT", TestInfrastructure.RABBIT_PORT),
                    Map.entry("ORDERFLOW_MESSAGING_RABBITMQ_NAMESPACE", namespace),
                    Map.entry("ORDERFLOW_CATALOG_CACHE_PREFIX", namespace),
                    Map.entry("ORDERFLOW_RATELIMIT_KEYPREFIX", namespace + ":rate-limit:"),
                    // nothing listens there: the run needs no registry, only the classes that talk to one
                    Map.entry("ORDERFLOW_DISCOVERY_URL", "http://127.0.0.1:9/eureka/"),
                    Map.entry("ORDERFLOW_SECURITY_OPERATOR_CLIENTSECRET", TestTokens.OPERATOR_SECRET),
                    Map.entry("ORDERFLOW_SECURITY_DATADIR", dir.toString()));
            run(
                    List.of(
                            javaBinary(),
                            "-XX:TieredStopAtLevel=1",
                            "-XX:ArchiveClassesAtExit=" + archive,
                            "-Dspring.context.exit=onRefresh",
                            "-jar",
                            extracted.toString(),
                            "--eureka.instance.ip-address=127.0.0.1"),
                    env,
                    dir.resolve("training.log"));
            if (!Files.isRegularFile(archive)) {
                throw new IOException("the training run wrote no archive (see " + dir.resolve("training.log") + ")");
            }
        } finally {
            TestInfrastructure.deleteNamespace(namespace);
            TestInfrastructure.deleteRedisKeys(namespace);
            TestInfrastructure.dropDatabase(databaseUrl);
        }
    }

    private static void run(List<String> command, Map<String, String> env, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("still running after 180 s: " + command + " (see " + log + ")");
        }
        if (process.exitValue() != 0) {
            throw new IOException("exit " + process.exitValue() + ": " + command + " (see " + log + ")");
        }
    }

    static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
