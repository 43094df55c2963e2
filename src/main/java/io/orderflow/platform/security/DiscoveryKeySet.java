package io.orderflow.platform.security;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * With discovery on: {@code orderflow.security.jwks-uri=lb://customer/.well-known/jwks.json} fetches the public
 * keys from a healthy instance of the customer module, and the load balancer probes instances with a client of
 * its own whose short timeouts keep a hung instance from stalling the probes.
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
    KeySetClient keySetClient(LoadBalancerClient loadBalancer) {
        RestTemplate rest = new RestTemplate(requests(Duration.ofSeconds(2), Duration.ofSeconds(5)));
        rest.getInterceptors().add((request, body, execution) -> {
            String service = request.getURI().getHost();
            ServiceInstance instance = loadBalancer.choose(service);
            if (instance == null) {
                throw new IOException("no ready instance of " + service + " in discovery");
            }
            URI target = loadBalancer.reconstructURI(instance, request.getURI());
            HttpRequest resolved = new HttpRequestWrapper(request) {
                @Override
                public URI getURI() {
                    return target;
                }
            };
            return execution.execute(resolved, body);
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
