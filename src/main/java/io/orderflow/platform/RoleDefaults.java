package io.orderflow.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Settings that follow from what this process runs ({@code orderflow.modules}), so that
 * {@code ORDERFLOW_MODULES=gateway} is all it takes to start the gateway. They rank below the command line and
 * the environment (which can still override them) and above the application's properties files.
 * <ul>
 * <li>The gateway's auto-configuration (routes, its servlet filters) is on only in the gateway role.</li>
 * <li>A process without business modules (gateway, discovery) has no database and no broker connection.</li>
 * <li>Each process registers in discovery under the name it is routed by: its module, or its role.</li>
 * <li>Only the gateway refreshes its copy of the registry every 2 s; the other processes every 30 s.</li>
 * </ul>
 */
class RoleDefaults implements EnvironmentPostProcessor {

    static final String SOURCE = "orderflowRoleDefaults";

    /** How often a process without the gateway refreshes its copy of the registry (Eureka's own default). */
    static final int MODULE_REGISTRY_REFRESH_SECONDS = 30;

    static final List<String> GATEWAY_AUTO_CONFIGURATION = List.of(
            "org.springframework.cloud.gateway.server.mvc.GatewayServerMvcAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.GatewayMvcClassPathWarningAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.filter.FilterAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctionAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.handler.GatewayMultipartAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.predicate.PredicateAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.config.DefaultFunctionConfiguration");

    static final List<String> DATABASE_AND_BROKER_AUTO_CONFIGURATION = List.of(
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration",
            "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
            "org.springframework.boot.amqp.autoconfigure.health.RabbitHealthContributorAutoConfiguration",
            "org.springframework.boot.amqp.autoconfigure.metrics.RabbitMetricsAutoConfiguration");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Modules modules = Modules.from(environment);
        Map<String, Object> defaults = new LinkedHashMap<>();
        List<String> excluded = new ArrayList<>();
        if (!modules.runs("gateway")) {
            excluded.addAll(GATEWAY_AUTO_CONFIGURATION);
            // only the gateway routes by its copy of the registry; a module finds the few services it calls there, and
            // asks discovery itself when the copy has none or one did not answer (ServiceInstances)
            defaults.put(
                    "eureka.client.registry-fetch-interval-seconds", String.valueOf(MODULE_REGISTRY_REFRESH_SECONDS));
        } else {
            // the gateway is where rate limits apply in distributed mode
            defaults.put("orderflow.rate-limit.enabled", "true");
        }
        if (!modules.runsAnyModule()) {
            excluded.addAll(DATABASE_AND_BROKER_AUTO_CONFIGURATION);
            defaults.put("management.endpoint.health.group.readiness.include", "readinessState");
            defaults.put("management.health.rabbit.enabled", "false");
        }
        if (!excluded.isEmpty() && !environment.containsProperty("spring.autoconfigure.exclude")) {
            defaults.put("spring.autoconfigure.exclude", String.join(",", excluded));
        }
        String discoveryName = discoveryName(modules);
        defaults.put("eureka.instance.appname", discoveryName);
        defaults.put("eureka.instance.virtual-host-name", discoveryName);
        if (modules.runs("discovery") && !modules.runs("gateway") && !modules.runsAnyModule()) {
            // the registry itself: it neither registers nor needs a copy of what it holds
            defaults.put("eureka.client.register-with-eureka", "false");
            defaults.put("eureka.client.fetch-registry", "false");
        }
        environment
                .getPropertySources()
                .addAfter(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new MapPropertySource(SOURCE, defaults));
    }

    /** The service id the gateway routes by: the module a process runs, else its role. */
    static String discoveryName(Modules modules) {
        List<String> running = modules.running();
        if (running.size() == 1) {
            return running.get(0);
        }
        if (running.isEmpty()) {
            return modules.runs("gateway") ? "gateway" : "discovery";
        }
        return "orderflow";
    }
}
