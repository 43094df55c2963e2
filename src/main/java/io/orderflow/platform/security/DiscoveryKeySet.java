package io.orderflow.platform.security;

import io.orderflow.platform.ServiceInstances;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerUriTools;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * With discovery on: {@code orderflow.security.jwks-uri=lb://customer/.well-known/jwks.json} fetches the public
 * keys from an instance of the customer module found in this process's copy of the registry ({@link
 * ServiceInstances}: discovery itself is asked when the copy has none, or none of them answers), trying the
 * instances in random order until one answers. No load balancer: its readiness probes would ask every customer
 * instance every 2 s from every process, for a fetch that happens at start-up and on an unknown key. The gateway's
 * load balancer probes instances with a client of its own whose short timeouts keep a hung instance from stalling
 * the probes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.cloud.discovery.enabled", havingValue = "true")
class DiscoveryKeySet {

    /** Spring Cloud LoadBalancer's readiness probes use the RestClient bean (there must be no RestTemplate bean). */
    @Bean
    RestClient loadBalancerHealthCheckClient() {
        return RestClient.builder()
                .requestFactory(requests(Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .build();
    }

    /** Not a bean: a RestTemplate bean would turn the probes into load-balanced calls to "hosts" by service id. */
    @Bean
    KeySetClient keySetClient(ServiceInstances discovery) {
        RestTemplate rest = new RestTemplate(requests(Duration.ofSeconds(2), Duration.ofSeconds(5)));
        rest.getInterceptors().add((request, body, execution) -> {
            String service = request.getURI().getHost();
            List<ServiceInstance> instances = new ArrayList<>(discovery.of(service));
            if (instances.isEmpty()) {
                throw new IOException("no instance of " + service + " in discovery");
            }
            Collections.shuffle(instances);
            @Nullable IOException failed = null;
            for (ServiceInstance instance : instances) {
                URI target = LoadBalancerUriTools.reconstructURI(instance, request.getURI());
                try {
                    return execution.execute(
                            new HttpRequestWrapper(request) {
                                @Override
                                public URI getURI() {
                                    return target;
                                }
                            },
                            body);
                } catch (IOException e) { // refused or timed out: the next instance
                    if (failed == null) {
                        failed = e;
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            }
            discovery.unreachable(service); // moved or stopped since this process's copy of the registry was made
            throw Objects.requireNonNull(failed, "every instance was tried");
        });
        return new KeySetClient(rest);
    }

    private static SimpleClientHttpRequestFactory requests(Duration connect, Duration read) {
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(connect);
        requests.setReadTimeout(read);
        return requests;
    }
}
