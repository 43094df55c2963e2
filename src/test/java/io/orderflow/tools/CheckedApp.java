package io.orderflow.tools;

import io.orderflow.OrderflowApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Every module in this JVM on a database of the test's, as the load generator and the checker see it. */
final class CheckedApp {

    private CheckedApp() {}

    /**
     * Starts orderflow on {@code url} on a free port, with the rate limiter and admission control off (the load
     * generator is one client at one address: limits would only measure themselves), plus {@code extra} arguments.
     */
    static ConfigurableApplicationContext start(String url, String user, String password, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--logging.level.io.orderflow=WARN",
                "--orderflow.database.mode=external",
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + user,
                "--spring.datasource.password=" + password,
                "--orderflow.security.operator.client-secret=" + UUID.randomUUID(),
                "--orderflow.rate-limit.enabled=false",
                "--orderflow.admission.enabled=false"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(OrderflowApplication.class).run(args.toArray(String[]::new));
    }

    static String baseUrl(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) app).getWebServer().getPort();
    }
}
