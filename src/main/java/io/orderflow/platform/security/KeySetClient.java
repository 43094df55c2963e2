package io.orderflow.platform.security;

import java.time.Duration;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestOperations;
import org.springframework.web.client.RestTemplate;

/**
 * How this process fetches the public keys: a plain HTTP client, or (in distributed mode) one that resolves
 * {@code lb://customer} to an instance in discovery ({@link DiscoveryKeySet}).
 */
public record KeySetClient(RestOperations rest) {

    static KeySetClient direct() {
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(Duration.ofSeconds(2));
        requests.setReadTimeout(Duration.ofSeconds(5));
        return new KeySetClient(new RestTemplate(requests));
    }
}
