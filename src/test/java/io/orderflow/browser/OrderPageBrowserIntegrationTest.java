package io.orderflow.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.RunningApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web page in a real browser: orderflow runs in embedded mode in this JVM, headless Chromium drives the
 * page, and each test does what a person would do and checks what they would see.
 *
 * <p>Screenshots of the main states are written when {@code ORDERFLOW_SCREENSHOTS} (or
 * {@code -Dorderflow.screenshots}) names a directory, e.g. {@code docs/screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // independent; ordered so the screenshots show a busy shop
class OrderPageBrowserIntegrationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static RunningApp app;
    static String baseUrl;
    static Browser browser;

    OrderPage page;

    @BeforeAll
    static void start() throws Exception {
        // the browser first: a machine without Chromium fails here, before the app is started for nothing
        browser = Browser.start();
        app = RunningApp.embedded(Map.of("orderflow.payment.provider.slow-card-latency", "2s"));
        baseUrl = app.baseUrl();
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (app != null) {
                app.close();
            }
        }
    }

    @BeforeEach
    void freshPage() {
        browser.emulateLaptop();
        browser.driver.manage().window().setSize(Browser.LAPTOP);
        page = new OrderPage(browser.driver, baseUrl);
    }

    @AfterEach
    void leavePage() {
        // a test that went offline must not leave the next page without its connections
        browser.driver.get("about:blank");
    }

    @Test
    @Order(9)
    void placesAnOrderAndWatchesItComplete() {
        page.openForm().email("ada@example.com").item(0, "PROD-003", 2).item(1, "PROD-002", 1).country("US")
                .card("tok_visa");
        // 2 x 79.99 + 29.99, in whole cents
        assertThat(page.formTotalCents()).isEqualTo(18_997L);
        assertThat(page.formTotal()).isEqualTo("$189.97");
        browser.screenshot("01-order-form");

        String id = page.place();
        page.awaitStatus("completed");

        assertThat(page.steps()).containsExactly(Map.entry("pending", "done"), Map.entry("validating", "done"),
                Map.entry("inventory_check", "done"), Map.entry("payment_processing", "done"),
                Map.entry("shipping", "done"), Map.entry("completed", "done"));
        assertThat(page.find("tracking-number").getText()).contains("TRK");
        assertThat(page.find("order-total").getText()).isEqualTo("$189.97");
        assertThat(page.cancelButton().isDisplayed()).isFalse();
        JsonNode order = order(id);
        assertThat(page.find("tracking-number").getText()).contains(order.path("tracking_number").asString());
        page.until("the whole history", d -> page.eventTypes().equals(types(order)));
        assertThat(page.eventTypes()).containsExactly("order_placed", "fulfilment_started", "order_validated",
                "stock_reserved", "payment_charged", "shipment_created", "order_completed");
        assertThat(page.find("compensations").isDisplayed()).isFalse();
        browser.screenshot("02-order-completed");
    }

    @Test
    @Order(2)
    void showsAnInventoryFailureWithItsReason() {
        page.openForm().email("grace@example.com").only("PROD-004", 1);
        assertThat(page.lines().get(0).findElement(OrderPage.testId("line-stock")).getText()).contains("Out of stock");

        page.place();
        page.awaitStatus("failed").awaitEvent("order_failed");

        assertThat(page.outcomeTitle()).contains("Out of stock");
        assertThat(page.outcomeDetail()).contains("PROD-004");
        assertThat(page.steps()).containsEntry("validating", "done").containsEntry("inventory_check", "failed")
                .containsEntry("payment_processing", "skipped").containsEntry("completed", "skipped");
        assertThat(page.eventTypes()).contains("stock_unavailable").doesNotContain("payment_charged");
        assertThat(page.cancelButton().isDisplayed()).isFalse();
        browser.screenshot("04-order-failed-out-of-stock");
    }

    @Test
    @Order(3)
    void showsADeclinedPaymentAndTheStockItReleased() {
        page.openForm().email("linus@example.com").only("PROD-001", 1).card("tok_chargeDeclined");

        String id = page.place();
        page.awaitStatus("failed").awaitCompensation("release_stock").awaitEvent("stock_released");

        assertThat(page.outcomeTitle()).contains("Payment declined");
        assertThat(page.outcomeDetail()).isNotBlank();
        assertThat(page.steps()).containsEntry("inventory_check", "done").containsEntry("payment_processing", "failed")
                .containsEntry("shipping", "skipped");
        assertThat(page.compensations()).containsOnlyKeys("release_stock");
        assertThat(page.eventTypes()).containsSubsequence("stock_reserved", "payment_declined",
                "compensation_requested", "order_failed", "stock_released");
        assertGapFree(page, id);
        browser.screenshot("03-order-failed-payment-declined");
    }

    @Test
    @Order(4)
    void cancelsFromThePageAndShowsWhatWasUndone() {
        page.openForm().email("barbara@example.com").only("PROD-001", 1).card("tok_slow");

        String id = page.place();
        // the slow card holds the order in payment processing, where it can still be cancelled
        page.awaitStep("payment_processing", "current");
        page.until("the cancel button", d -> page.cancelButton().isDisplayed());
        page.cancelButton().click();

        page.awaitStatus("cancelled");
        assertThat(page.cancelButton().isDisplayed()).isFalse();
        // stock is released at once; the charge still in flight is refunded when its answer arrives
        page.awaitCompensation("release_stock").awaitCompensation("refund_payment");
        assertThat(page.steps()).containsEntry("inventory_check", "done")
                .containsEntry("payment_processing", "cancelled").containsEntry("completed", "skipped");
        assertThat(page.outcomeTitle()).isEqualTo("Cancelled");
        assertThat(page.eventTypes()).contains("cancellation_requested", "order_cancelled", "stock_released",
                "payment_refunded");
        assertGapFree(page, id);
        assertThat(order(id).path("status").asString()).isEqualTo("cancelled");
        browser.screenshot("05-order-cancelled");
    }

    @Test
    @Order(5)
    void showsWhyAnOrderCanNoLongerBeCancelled() {
        page.openForm().email("edsger@example.com").only("PROD-002", 1).card("tok_slow");
        String id = page.place();
        page.awaitStep("payment_processing", "current");
        page.until("the cancel button", d -> page.cancelButton().isDisplayed());
        // while this page is cut off, the order is cancelled elsewhere: its cancel button is stale
        page.script("window.orderflow.goOffline()");
        page.awaitConnection("offline");
        assertThat(post("/api/orders/" + id + "/cancel", null).statusCode()).isEqualTo(200);

        page.cancelButton().click();

        WebElement error = page.awaitError();
        assertThat(error.getText()).contains("can no longer be cancelled");
        page.script("window.orderflow.goOnline()");
        page.awaitStatus("cancelled");
        assertThat(page.cancelButton().isDisplayed()).isFalse();
    }

    @Test
    @Order(6)
    void catchesUpAfterTheConnectionWasDownWithEveryEventOnce() {
        page.openForm().email("alan@example.com").only("PROD-003", 1).card("tok_slow");
        String id = page.place();
        page.awaitStep("payment_processing", "current");
        int sequenceBefore = ((Number) page.clientState().get("lastSequence")).intValue();

        // the network goes away while the order is still being paid for
        page.script("window.orderflow.goOffline()");
        page.awaitConnection("offline");
        JsonNode finished = awaitServerStatus(id, "completed");
        assertThat(page.status()).as("no updates arrive while offline").isEqualTo("payment_processing");
        assertThat(page.eventSequences()).hasSize(sequenceBefore);

        // back online: the page resumes after its last event and catches up
        page.script("window.orderflow.goOnline()");
        page.awaitStatus("completed").awaitConnection("live");
        page.until("every event", d -> page.eventSequences().size() == finished.path("events").size());

        assertGapFree(page, id);
        assertThat(((Number) page.clientState().get("orderConnects")).intValue()).isGreaterThanOrEqualTo(2);
        assertThat(page.steps().values()).containsOnly("done");
        assertThat(page.find("tracking-number").getText()).contains(finished.path("tracking_number").asString());
    }

    @Test
    @Order(7)
    void reconnectsByItselfAfterADroppedSocket() {
        page.openForm().email("margaret@example.com").only("PROD-002", 2).card("tok_slow");
        String id = page.place();
        page.awaitStep("payment_processing", "current");

        page.script("window.orderflow.dropConnection()");

        page.until("a new connection", d -> ((Number) page.clientState().get("orderConnects")).intValue() >= 2);
        page.awaitStatus("completed").awaitConnection("live");
        page.until("every event", d -> page.eventSequences().size() == order(id).path("events").size());
        assertGapFree(page, id);
    }

    @Test
    @Order(1)
    void showsValidationErrorsToThePerson() {
        page.openForm().email("not-an-email").only("PROD-001", 0);

        page.submit();

        WebElement error = page.awaitError();
        assertThat(page.find("error-box").getText()).contains("Validation failed");
        List<String> fields = error.findElements(OrderPage.testId("error-field")).stream()
                .map(e -> e.getAttribute("data-field")).toList();
        assertThat(fields).contains("customer_email", "items[0].quantity");
        assertThat(error.getText()).contains("must be a valid email address");
        assertThat(page.find("order-form").getText()).contains("must be a valid email address");
        assertThat(page.find("order-form-view").isDisplayed()).as("the form stays for corrections").isTrue();
        browser.screenshot("06-validation-error");

        // corrected, the same form goes through and the error disappears
        page.email("not-an-email@example.com").only("PROD-001", 1);
        page.place();
        assertThat(page.errorBox().isDisplayed()).isFalse();
    }

    @Test
    @Order(8)
    void listsNewOrdersLiveAndOpensThem() {
        page.openForm();
        // placed by someone else, elsewhere: the list shows it without a reload
        String id = placeViaApi("PROD-002", 1, "tok_visa");

        page.awaitRecentOrder(id, "completed");
        assertThat(page.recentOrders().keySet().iterator().next()).as("newest first").isEqualTo(id);

        page.openRecentOrder(id);
        page.until("the order's timeline", d -> id.equals(page.find("order-id").getText()));
        page.awaitStatus("completed");
        assertThat(browser.driver.getCurrentUrl()).endsWith("#/orders/" + id);
        assertGapFree(page, id);

        // a deep link opens the same order; an unknown one says so
        page.openOrder(id).awaitStatus("completed");
        browser.driver.get(baseUrl + "/#/orders/no-such-order");
        page.until("not found", d -> page.find("not-found-view").isDisplayed());
    }

    @Test
    @Order(10)
    void fitsAPhoneScreen() {
        browser.emulatePhone();
        page.openForm().email("katherine@example.com").only("PROD-001", 1).item(1, "PROD-002", 2).country("ZZ");
        assertNoSidewaysScrolling();
        browser.screenshot("07-phone-order-form");

        page.place();
        page.awaitStatus("failed").awaitCompensation("refund_payment").awaitCompensation("release_stock");
        assertThat(page.outcomeTitle()).contains("carrier");
        assertThat(page.steps()).containsEntry("shipping", "failed");
        assertNoSidewaysScrolling();
        browser.screenshot("08-phone-order-failed-at-carrier");
    }

    // ---- helpers

    private void assertNoSidewaysScrolling() {
        long overflow = ((Number) page.script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")).longValue();
        assertThat(overflow).as("horizontal overflow in px").isLessThanOrEqualTo(0);
    }

    /** The page lists each of the order's events exactly once, in sequence order, as the server has them. */
    private void assertGapFree(OrderPage page, String id) {
        JsonNode order = order(id);
        page.until("the page to list all " + order.path("events").size() + " events",
                d -> page.eventSequences().size() >= order.path("events").size());
        List<Integer> sequences = page.eventSequences();
        assertThat(sequences).containsExactlyElementsOf(
                IntStream.rangeClosed(1, sequences.size()).boxed().toList());
        assertThat(page.eventTypes()).startsWith(types(order).toArray(String[]::new));
    }

    private static List<String> types(JsonNode order) {
        List<String> types = new ArrayList<>();
        order.path("events").forEach(e -> types.add(e.path("type").asString()));
        return types;
    }

    private static JsonNode order(String id) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/orders/" + id)).GET());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode awaitServerStatus(String id, String status) {
        return Awaitility.await("order " + id + " " + status + " on the server").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> order(id), o -> status.equals(o.path("status").asString()));
    }

    private static String placeViaApi(String sku, int quantity, String card) {
        String body = "{\"customer_email\":\"api@example.com\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":" + quantity
                + "}],\"payment\":{\"card_token\":\"" + card + "\"}}";
        HttpResponse<String> response = post("/api/orders", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("id").asString();
    }

    private static HttpResponse<String> post(String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        if (json == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
