package io.orderflow.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class OrderSheddingUnitTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** The draw that decides a shed: one sheds when the share to shed is above it (0.0: whenever it is above 0). */
    private double draw = 0.99;

    private final OrderShedding shedding = new OrderShedding(Duration.ofSeconds(1), 2, meters, nanos::get, () -> draw);

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
        draw = 0.0; // any share above 0 would shed
        for (int i = 0; i < 50; i++) {
            assertThat(place().getStatus()).isEqualTo(202);
        }

        assertThat(upstreamCalls).hasValue(50);
        assertThat(shedding.shareToShed()).isZero();
    }

    @Test
    void aFewRefusalsAmongManyOrdersTakenShedNothing() throws Exception {
        draw = 0.0;
        for (int i = 0; i < 40; i++) {
            upstreamStatus = i % 10 == 9 ? 503 : 202; // a refusal in ten, as a closed loop at the limit sees them
            place();
        }

        assertThat(upstreamCalls)
                .as("nothing shed: each refusal is the module's own")
                .hasValue(40);
        assertThat(meters.get("orderflow.gateway.orders.shed").counter().count())
                .isZero();
    }

    @Test
    void shedsTheShareTheOrderModuleRefusesWithItsRetryAfter() throws Exception {
        for (int i = 0; i < 20; i++) { // 20 refused, 5 taken: (25 - 2 x 5) / 26 to shed
            upstreamStatus = 503;
            place();
        }
        for (int i = 0; i < 5; i++) {
            upstreamStatus = 202;
            place();
        }
        assertThat(shedding.shareToShed()).isCloseTo((25 - 2 * 5) / 26.0, within(1e-9));

        draw = 0.5;
        MockHttpServletResponse shed = place();

        assertThat(upstreamCalls).as("the 26th order answered by the gateway").hasValue(25);
        assertThat(shed.getStatus()).isEqualTo(503);
        assertThat(shed.getHeader("Retry-After")).isEqualTo("2");
        assertThat(shed.getContentType()).startsWith("application/problem+json");
        assertThat(shed.getContentAsString()).contains("/problems/overloaded");
        assertThat(meters.get("orderflow.gateway.orders.shed").counter().count())
                .isEqualTo(1.0);

        draw = 0.99; // a draw above the share: this one goes to the module, which decides
        assertThat(place().getStatus()).isEqualTo(202);
        assertThat(upstreamCalls).hasValue(26);
    }

    @Test
    void underASustainedOverloadKeepsTheModuleBusyAndShedsTheRest() throws Exception {
        Random random = new Random(7);
        OrderShedding seeded = new OrderShedding(Duration.ofSeconds(1), 2, meters, nanos::get, random::nextDouble);
        AtomicInteger reached = new AtomicInteger();
        int[] takenPerSecond = new int[20];
        int[] second = new int[1];
        FilterChain full = (request, response) -> { // takes 25 orders a second, refuses the rest
            reached.incrementAndGet();
            MockHttpServletResponse r = (MockHttpServletResponse) response;
            if (takenPerSecond[second[0]] < 25) {
                takenPerSecond[second[0]]++;
                r.setStatus(202);
            } else {
                r.setStatus(503);
                r.setHeader("Retry-After", "1");
            }
        };
        for (int ms = 0; ms < 20_000; ms += 10) { // 100 orders/s offered for 20 s: four times what it takes
            nanos.set(Duration.ofMillis(ms).toNanos());
            second[0] = ms / 1_000;
            seeded.doFilter(new MockHttpServletRequest("POST", "/api/orders"), new MockHttpServletResponse(), full);
        }

        int taken = Arrays.stream(takenPerSecond).sum();
        assertThat(taken).as("the module kept busy: of the 500 it could take").isGreaterThan(450);
        assertThat(reached.get())
                .as("what reached the module, of 2,000 offered: about headroom x what it took")
                .isBetween(taken, (int) (taken * 2 * 1.2));
    }

    @Test
    void theSheddingEndsWithinAWindowOfTheModuleTakingOrdersAgain() throws Exception {
        upstreamStatus = 503;
        for (int i = 0; i < 20; i++) {
            place();
        }
        assertThat(shedding.shareToShed()).isGreaterThan(0.9);

        nanos.addAndGet(Duration.ofMillis(1_001).toNanos());

        assertThat(shedding.shareToShed())
                .as("the refusals fell out of the window")
                .isZero();
        upstreamStatus = 202;
        draw = 0.0;
        assertThat(place().getStatus()).isEqualTo(202);
    }

    @Test
    void leavesEveryOtherRequestAlone() throws Exception {
        upstreamStatus = 503;
        for (int i = 0; i < 20; i++) {
            place();
        }
        draw = 0.0;

        upstreamStatus = 200;
        MockHttpServletResponse readResponse = send(new MockHttpServletRequest("GET", "/api/orders"));
        MockHttpServletResponse cancelResponse = send(new MockHttpServletRequest("POST", "/api/orders/o-1/cancel"));

        assertThat(readResponse.getStatus()).isEqualTo(200);
        assertThat(cancelResponse.getStatus()).isEqualTo(200);
    }

    @Test
    void passesOnAnOrderWithAnIdempotencyKeyWhoseAnswerMayBeStored() throws Exception {
        upstreamStatus = 503;
        for (int i = 0; i < 20; i++) {
            place();
        }
        int before = upstreamCalls.get();
        draw = 0.0;

        MockHttpServletRequest retry = new MockHttpServletRequest("POST", "/api/orders");
        retry.addHeader("Idempotency-Key", "k-1");
        upstreamStatus = 202;
        MockHttpServletResponse replayed = send(retry);

        assertThat(replayed.getStatus()).isEqualTo(202);
        assertThat(upstreamCalls).hasValue(before + 1);
        assertThat(place().getStatus()).as("still shedding new orders").isEqualTo(503);
    }

    @Test
    void aRefusalWithoutRetryAfterCountsAsTaken() throws Exception {
        draw = 0.0;
        FilterChain failing = (request, response) -> {
            upstreamCalls.incrementAndGet();
            ((MockHttpServletResponse) response).setStatus(503);
        };
        for (int i = 0; i < 5; i++) {
            shedding.doFilter(
                    new MockHttpServletRequest("POST", "/api/orders"), new MockHttpServletResponse(), failing);
        }

        assertThat(upstreamCalls).as("not the module's \"full\": nothing shed").hasValue(5);
    }

    @Test
    void offWithAZeroWindow() throws Exception {
        OrderShedding off = new OrderShedding(Duration.ZERO, 2, meters, nanos::get, () -> 0.0);
        upstreamStatus = 503;
        for (int i = 0; i < 10; i++) {
            off.doFilter(new MockHttpServletRequest("POST", "/api/orders"), new MockHttpServletResponse(), orderModule);
        }

        assertThat(upstreamCalls).hasValue(10);
    }

    @Test
    void refusesAHeadroomBelowOne() {
        assertThatThrownBy(() -> new OrderShedding(Duration.ofSeconds(1), 0.9, meters, nanos::get, () -> 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overload-headroom");
    }
}
