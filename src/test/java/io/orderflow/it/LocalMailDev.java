package io.orderflow.it;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;

/**
 * A MailDev SMTP server of the test's own (npm {@code maildev@3.0.0}, which {@code .ci/run} installs), on free ports
 * and with its own mail directory, that a test can stop and start again on the same ports. Its REST API
 * ({@code GET /api/email}) tells what arrived. {@code ORDERFLOW_TEST_MAILDEV} names another binary.
 */
final class LocalMailDev implements BeforeAllCallback, AfterAllCallback {

    /** HTTP/1.1 only: MailDev's server drops a request that offers an upgrade to HTTP/2. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String binary = System.getenv().getOrDefault("ORDERFLOW_TEST_MAILDEV", "maildev");
    private final int smtpPort = TestInfrastructure.freePort();
    private final int webPort = TestInfrastructure.freePort();
    private Path dir;
    private Process process;

    int smtpPort() {
        return smtpPort;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("orderflow-maildev");
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        File[] files = dir.toFile().listFiles();
        if (files != null) {
            for (File f : files) {
                f.delete();
            }
        }
        Files.deleteIfExists(dir);
    }

    void start() throws IOException {
        process = new ProcessBuilder(
                        binary,
                        "--smtp",
                        Integer.toString(smtpPort),
                        "--web",
                        Integer.toString(webPort),
                        "--ip",
                        "127.0.0.1",
                        "--web-ip",
                        "127.0.0.1",
                        "--mail-directory",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolveSibling(dir.getFileName() + ".log").toFile()))
                .start();
        Awaitility.await("maildev on " + smtpPort + " and " + webPort)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    try (Socket smtp = new Socket("127.0.0.1", smtpPort);
                            Socket web = new Socket("127.0.0.1", webPort)) {
                        return true;
                    }
                });
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

    /** Every e-mail that arrived for {@code recipient}, oldest first, as MailDev shows them. */
    List<JsonNode> to(String recipient) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/api/email"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            List<JsonNode> found = new ArrayList<>();
            for (JsonNode email : OrderApi.JSON.readTree(response.body())) {
                for (JsonNode to : email.path("to")) {
                    if (recipient.equalsIgnoreCase(to.path("address").asString())) {
                        found.add(email);
                    }
                }
            }
            return found;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
