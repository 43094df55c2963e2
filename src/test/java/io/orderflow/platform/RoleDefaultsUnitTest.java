package io.orderflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** What a process's role sets for it, below the environment and above the properties files. */
class RoleDefaultsUnitTest {

    private static final String FETCH = "eureka.client.registry-fetch-interval-seconds";

    @Test
    void onlyTheGatewayRefreshesItsCopyOfTheRegistryOftenTheModulesRarely() {
        assertThat(settingsOf("order").getProperty(FETCH)).isEqualTo("30");
        assertThat(settingsOf("customer").getProperty(FETCH)).isEqualTo("30");
        assertThat(settingsOf("gateway").getProperty(FETCH)).isEqualTo("2");
        assertThat(settingsOf("gateway,order").getProperty(FETCH)).isEqualTo("2");
    }

    @Test
    void theEnvironmentStillDecides() {
        StandardEnvironment environment = environment("order");
        environment
                .getPropertySources()
                .addAfter(
                        StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                        new MapPropertySource("operator", Map.of(FETCH, "5")));
        new RoleDefaults().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty(FETCH)).isEqualTo("5");
    }

    private static StandardEnvironment settingsOf(String modules) {
        StandardEnvironment environment = environment(modules);
        new RoleDefaults().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    /** The distributed profile's file: below the role's defaults. */
    private static StandardEnvironment environment(String modules) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource("command line", Map.of("orderflow.modules", modules)));
        environment.getPropertySources().addLast(new MapPropertySource("application-distributed", Map.of(FETCH, "2")));
        return environment;
    }
}
