package io.orderflow.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class OrderSheddingUnitTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final OrderShedding shedding = new OrderShedding(Duration.ofMillis(250), meters, nanos::get);

    /** What the order module answers, in turn; counts what reached it. */
    private final AtomicInteger upstreamCalls = new AtomicInteger();

    private int upstreamStatus = 202;

    private final FilterChain orderModule = (request, response) -> {
        upstreamCalls.incrementAndGet();
        MockHttpServletResponse r = (MockHttpServletResponse) response;
        r.setStatus(upstreamStatus);
        if (upstreamStatus == 503) {
            r.setHeader("Retry-After", "2");
        }
    };

    private MockHttpServletResponse place() throws Exception {
        return send(new MockHttpServletRequest("POST", "/api/orders"));
    }

    private MockHttpServletResponse send(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        shedding.doFilter(request, response, orderModule);
        return response;
    }

    @Test
    void passesOrdersThroughWhileTheOrderModuleTakesThem() throws Exception {
        assertThat(place().getStatus()).isEqualTo(202);
        assertThat(place().getStatus()).isEqualTo(202);

        assertThat(upstreamCalls).hasValue(2);
    }

    @Test
    void repeatsTheOrderModulesRefusalForTheHoldThenAsksAgain() throws Exception {
        upstreamStatus = 503;
        assertThat(place().getStatus()).isEqualTo(503);

        nanos.addAndGet(Duration.ofMillis(249).toNanos());
        MockHttpServletResponse shed = place();

        assertThat(upstreamCalls).as("the refusal repeated by the gateway").hasValue(1);
        assertThat(shed.getStatus()).isEqualTo(503);
        assertThat(shed.getHeader("Retry-After")).isEqualTo("2");
        assertThat(shed.getContentType()).startsWith("application/problem+json");
        assertThat(shed.getContentAsString()).contains("/problems/overloaded");
        assertThat(meters.get("orderflow.gateway.orders.shed").counter().count())
                .isEqualTo(1.0);

        upstreamStatus = 202;
        nanos.addAndGet(Duration.ofMillis(2).toNanos());
        assertThat(place().getStatus())
                .as("the hold is over: the order module decides")
                .isEqualTo(202);
        assertThat(place().getStatus()).isEqualTo(202);
        assertThat(upstreamCalls).hasValue(3);
    }

    @Test
    void leavesEveryOtherRequestAlone() throws Exception {
        upstreamStatus = 503;
        place();

        upstreamStatus = 200;
        MockHttpServletResponse readResponse = send(new MockHttpServletRequest("GET", "/api/orders"));
        MockHttpServletResponse cancelResponse = send(new MockHttpServletRequest("POST", "/api/orders/o-1/cancel"));

        assertThat(readResponse.getStatus()).isEqualTo(200);
        assertThat(cancelResponse.getStatus()).isEqualTo(200);
        assertThat(upstreamCalls).hasValue(3);
    }

    @Test
    void passesOnAnOrderWithAnIdempotencyKeyWhoseAnswerMayBeStored() throws Exception {
        upstreamStatus = 503;
        place();

        MockHttpServletRequest retry = new MockHttpServletRequest("POST", "/api/orders");
        retry.addHeader("Idempotency-Key", "k-1");
        upstreamStatus = 202;
        MockHttpServletResponse replayed = send(retry);

        assertThat(replayed.getStatus()).isEqualTo(202);
        assertThat(upstreamCalls).hasValue(2);
        assertThat(place().getStatus()).as("still holding for new orders").isEqualTo(503);
    }

    @Test
    void aRefusalWithoutRetryAfterIsNotRepeated() throws Exception {
        FilterChain failing = (request, response) -> {
            upstreamCalls.incrementAndGet();
            ((MockHttpServletResponse) response).setStatus(503);
        };
        shedding.doFilter(new MockHttpServletRequest("POST", "/api/orders"), new MockHttpServletResponse(), failing);
        shedding.doFilter(new MockHttpServletRequest("POST", "/api/orders"), new MockHttpServletResponse(), failing);

        assertThat(upstreamCalls).hasValue(2);
    }
}
