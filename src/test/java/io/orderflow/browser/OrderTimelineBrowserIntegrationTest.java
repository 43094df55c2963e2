package io.orderflow.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.RunningApp;
import io.orderflow.it.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An order's timeline as a waterfall in a real browser: on the operations console, entered by id or reached from an
 * order id in the mailbox, one row per message hop with the slowest one highlighted; and under the shop page's order
 * view only for an operator (one signed in on the console in this tab), never for anyone else.
 */
class OrderTimelineBrowserIntegrationTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final JsonMapper JSON = JsonMapper.builder().build();

    static RunningApp app;
    static String baseUrl;
    static Browser browser;
    /** A finished guest order and its timeline as the API answers it once everything is recorded. */
    static String orderId;

    static JsonNode timeline;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        app = RunningApp.embedded(Map.of());
        baseUrl = app.baseUrl();
        orderId = placeOrder();
        String operator = TestTokens.operator(baseUrl);
        // the final state: completed, every message handled, both notifications kept
        timeline = Awaitility.await("the timeline of " + orderId)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> timelineOf(orderId, operator),
                        t -> t.path("summary").path("terminal").asBoolean()
                                && t.path("summary").path("notifications").asInt() == 2
                                && t.path("hops").size() > 0
                                && hops(t).stream()
                                        .noneMatch(h ->
                                                h.path("outcome").asString().equals("in_flight")));
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

    @AfterEach
    void leavePage() {
        try {
            if (browser.driver.getCurrentUrl().startsWith(baseUrl)) {
                assertThat(browser.cspViolations())
                        .as("what the Content-Security-Policy refused")
                        .isEmpty();
                browser.driver.executeScript("sessionStorage.clear()");
            }
        } finally {
            browser.driver.get("about:blank");
        }
    }

    @Test
    void showsAFinishedOrdersWaterfallOnTheConsoleWithTheSlowestHopHighlighted() {
        signInToTheConsole();

        WebElement input = find("#timeline-order");
        input.clear();
        input.sendKeys(orderId);
        find("#timeline-form button[type=submit]").click();

        List<WebElement> rows = awaitHopRows("#timeline");
        assertThat(rows)
                .extracting(r -> r.getAttribute("data-type"))
                .containsAll(List.of(
                        "OrderPlaced",
                        "ReserveStock",
                        "StockReserved",
                        "ChargePayment",
                        "PaymentCharged",
                        "CreateShipment",
                        "ShipmentCreated",
                        "CommitStock",
                        "OrderCompleted"));
        assertThat(rows)
                .allSatisfy(r -> assertThat(r.findElements(By.cssSelector(".bar-handler")))
                        .isNotEmpty());
        assertTheSlowestHopIsHighlighted("#timeline");
        assertThat(find("#timeline [data-testid='summary-status']").getText()).contains("completed");
        assertThat(find("#timeline [data-testid='timeline-events']")
                        .findElements(By.cssSelector(".waterfall-marker"))
                        .size())
                .isEqualTo(timeline.path("summary").path("events").asInt());
        assertThat(find("#timeline [data-testid='timeline-notifications']")
                        .findElements(By.cssSelector(".waterfall-marker"))
                        .size())
                .isEqualTo(2);
        assertThat(browser.driver.getCurrentUrl()).endsWith("#timeline/" + orderId);
        browser.screenshot("14-operations-order-timeline");
    }

    @Test
    void opensTheTimelineFromAnOrderIdInTheMailbox() {
        signInToTheConsole();
        until(
                "the order's messages in the mailbox",
                d -> !d.findElements(By.cssSelector("#mailbox-table [data-testid='timeline-link']"))
                        .isEmpty());

        browser.driver.findElements(By.cssSelector("#mailbox-table [data-testid='timeline-link']")).stream()
                .filter(link -> link.getText().equals(orderId))
                .findFirst()
                .orElseThrow()
                .click();

        awaitHopRows("#timeline");
        assertThat(find("#timeline-order").getAttribute("value")).isEqualTo(orderId);
        assertTheSlowestHopIsHighlighted("#timeline");
    }

    @Test
    void showsTheWaterfallOnTheShopPageToAnOperatorOnly() {
        // a guest sees the order (it is theirs by its id) but no timeline
        browser.driver.get(baseUrl + "/#/orders/" + orderId);
        until("the order", d -> orderId.equals(find("[data-testid='order-id']").getText()));
        until(
                "the order's status",
                d -> "completed".equals(find("[data-testid='order-status']").getAttribute("data-status")));
        assertThat(browser.driver.findElements(By.cssSelector("[data-testid='order-waterfall']")))
                .allSatisfy(w -> assertThat(w.isDisplayed()).isFalse());
        assertThat(timelineRequests()).as("timeline requests made for a guest").isEmpty();

        // the operator signed in on the console in this tab opens the same order in the shop page
        signInToTheConsole();
        browser.driver.get(baseUrl + "/#/orders/" + orderId);
        until("the order", d -> orderId.equals(find("[data-testid='order-id']").getText()));
        List<WebElement> rows = awaitHopRows("[data-testid='order-waterfall']");
        assertThat(rows).hasSize(timeline.path("hops").size());
        assertTheSlowestHopIsHighlighted("[data-testid='order-waterfall']");
        browser.screenshot("15-shop-order-timeline-for-operator");
    }

    // ---- helpers

    private void signInToTheConsole() {
        browser.driver.get(baseUrl + "/ops/");
        until("the sign-in panel", d -> find("#sign-in-panel").isDisplayed());
        WebElement secret = find("#client-secret");
        secret.clear();
        secret.sendKeys(TestTokens.OPERATOR_SECRET);
        find("#sign-in").click();
        until("the console", d -> find("#console").isDisplayed());
    }

    /** The waterfall's hop rows inside {@code container}, once there are as many as the timeline has hops. */
    private List<WebElement> awaitHopRows(String container) {
        int expected = timeline.path("hops").size();
        return until(container + "'s " + expected + " hop rows", d -> {
            List<WebElement> rows = d.findElements(By.cssSelector(container + " [data-testid='timeline-hop']"));
            return rows.size() >= expected ? rows : null;
        });
    }

    private void assertTheSlowestHopIsHighlighted(String container) {
        JsonNode slowest = timeline.path("summary").path("slowest_hop");
        List<WebElement> highlighted =
                browser.driver.findElements(By.cssSelector(container + " [data-testid='timeline-hop'].slowest"));
        assertThat(highlighted).singleElement().satisfies(row -> {
            assertThat(row.getAttribute("data-slowest")).isEqualTo("true");
            assertThat(row.getAttribute("data-type"))
                    .isEqualTo(slowest.path("type").asString());
            assertThat(row.getAttribute("data-receiver"))
                    .isEqualTo(slowest.path("receiver").asString());
            assertThat(row.getText()).contains("slowest");
        });
        assertThat(find(container + " [data-testid='summary-slowest']").getText())
                .contains(slowest.path("type").asString());
    }

    @SuppressWarnings("unchecked")
    private List<String> timelineRequests() {
        return (List<String>) browser.driver.executeScript("return performance.getEntriesByType('resource')"
                + ".map(e => new URL(e.name).pathname).filter(p => p.endsWith('/timeline'))");
    }

    private WebElement find(String css) {
        return browser.driver.findElement(By.cssSelector(css));
    }

    private <T> T until(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser.driver, DEADLINE, Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "waiting for " + what)
                .until(condition);
    }

    private static List<JsonNode> hops(JsonNode timeline) {
        List<JsonNode> hops = new ArrayList<>();
        timeline.path("hops").forEach(hops::add);
        return hops;
    }

    private static JsonNode timelineOf(String id, String token) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/api/orders/" + id + "/timeline"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String placeOrder() throws Exception {
        String body = "{\"customer_email\":\"timeline@example.com\",\"items\":[{\"sku\":\"PROD-002\",\"quantity\":1}],"
                + "\"payment\":{\"card_token\":\"tok_visa\"}}";
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/api/orders"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("id").asString();
    }
}
