package io.orderflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.config.PrometheusPropertiesLoader;
import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/**
 * The Prometheus client's exemplar sampling interval as application.properties sets it reaches the client: Spring Boot
 * binds {@code management.prometheus.metrics.export.properties} to a map, which Micrometer hands to the client's
 * loader for the exemplar samplers of its registry. A key the client does not know, or one the binding changed, would
 * leave the client's default of 90 ms.
 */
class ExemplarSamplingUnitTest {

    @Test
    void applicationPropertiesSetTheSamplingIntervalTheClientReads() throws IOException {
        Properties file = PropertiesLoaderUtils.loadProperties(new ClassPathResource("application.properties"));

        Map<String, String> bound = new Binder(new MapConfigurationPropertySource(file))
                .bind("management.prometheus.metrics.export.properties", Bindable.mapOf(String.class, String.class))
                .get();
        Properties passedToTheClient = new Properties(); // what Boot's PrometheusConfig hands Micrometer
        passedToTheClient.putAll(bound);

        assertThat(PrometheusPropertiesLoader.load(passedToTheClient)
                        .getExemplarProperties()
                        .getSampleIntervalMilliseconds())
                .isEqualTo(1000);
        assertThat(PrometheusPropertiesLoader.load(new Properties())
                        .getExemplarProperties()
                        .getSampleIntervalMilliseconds())
                .as("the client's default, without it")
                .isNull();
    }
}
