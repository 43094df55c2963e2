package io.orderflow.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.it.RunningApp;
import io.orderflow.it.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operations console (/ops/) in a real browser: it asks for the operator client's credentials before it
 * loads anything, refuses wrong ones, and once signed in shows its panels with data the operator API serves.
 */
class OperationsConsoleBrowserIntegrationTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static RunningApp app;
    static String baseUrl;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        app = RunningApp.embedded(Map.of());
        baseUrl = app.baseUrl();
        // a few guest orders, so the order counts and the saga have something to show
        for (String card : List.of("tok_visa", "tok_visa", "tok_visa", "tok_chargeDeclined")) {
            placeOrder(card);
        }
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
    void asksForTheOperatorsCredentialsAndShowsTheConsoleOnlyOnceSignedIn() {
        browser.driver.get(baseUrl + "/ops/");
        until("the sign-in panel", d -> find("#sign-in-panel").isDisplayed());
        assertThat(find("#console").isDisplayed()).isFalse();
        assertThat(find("#client-id").getAttribute("value")).isEqualTo("operator");
        assertThat(requestedData()).as("data asked for before signing in").isEmpty();
        browser.screenshot("12-operations-sign-in");

        // a wrong secret is refused with the server's reason; still nothing loads
        signIn("not-the-secret");
        until("the refusal", d -> find("#sign-in-error").isDisplayed());
        assertThat(find("#sign-in-error").getText()).contains("wrong");
        assertThat(find("#console").isDisplayed()).isFalse();
        assertThat(requestedData()).as("data asked for after a refused sign-in").isEmpty();

        // the right one opens the console: orders by status, the saga, the mailbox, dead letters and the metrics
        signIn(TestTokens.OPERATOR_SECRET);
        until("the console", d -> find("#console").isDisplayed());
        assertThat(find("#sign-in-panel").isDisplayed()).isFalse();
        assertThat(find("#session-client").getText()).isEqualTo("operator");
        until(
                "the order counts",
                d -> !browser.driver
                        .findElements(By.cssSelector("#order-counts .count.nonzero"))
                        .isEmpty());
        until(
                "the saga diagram",
                d -> !browser.driver.findElements(By.cssSelector("#saga svg")).isEmpty());
        until("the mailbox", d -> find("#mailbox-table tbody").getText().contains("We received your order"));
        assertThat(find("#mailbox-table tbody").getText())
                .contains("ops@example.com")
                .contains("kept (no SMTP)");
        until("the dead-letter counts", d -> find("#dlq-counts").getText().contains("0 parked"));
        until("the dead-letter table", d -> find("#page-info").getText().contains("0 dead letter(s)"));
        until(
                "the metrics",
                d -> !browser.driver
                        .findElements(By.cssSelector("#metrics-stats .stat"))
                        .isEmpty());
        assertThat(find("#metrics-status").getText()).doesNotContain("not available");

        // signing out takes the data off the screen and asks again
        find("#sign-out").click();
        until("the sign-in panel", d -> find("#sign-in-panel").isDisplayed());
        assertThat(find("#console").isDisplayed()).isFalse();
        assertThat(find("#order-counts").getText()).isEmpty();
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('orderflow.ops.session')"))
                .isNull();
    }

    @Test
    void asksAgainWhenTheServerNoLongerAcceptsTheSession() {
        browser.driver.get(baseUrl + "/ops/");
        until("the sign-in panel", d -> find("#sign-in-panel").isDisplayed());
        signIn(TestTokens.OPERATOR_SECRET);
        until("the console", d -> find("#console").isDisplayed());
        until(
                "the order counts",
                d -> !browser.driver
                        .findElements(By.cssSelector("#order-counts .count.nonzero"))
                        .isEmpty());

        // the token stops being accepted (as when its signing key is retired)
        browser.driver.executeScript("const s = JSON.parse(sessionStorage.getItem('orderflow.ops.session'));"
                + "s.access_token = s.access_token.slice(0, -6) + (s.access_token.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');"
                + "sessionStorage.setItem('orderflow.ops.session', JSON.stringify(s));");
        browser.driver.navigate().refresh();
        until("the sign-in panel", d -> find("#sign-in-panel").isDisplayed());
        assertThat(find("#sign-in-notice").getText()).contains("Sign in again");
        assertThat(find("#console").isDisplayed()).isFalse();
        assertThat(find("#order-counts").getText()).isEmpty();
    }

    @Test
    void chartsTheAnalyticsOfTheOrderHistory() throws Exception {
        // the projection is asynchronous: the console is opened once it has taken in the four orders
        String token = TestTokens.operator(baseUrl);
        new WebDriverWait(browser.driver, DEADLINE, Duration.ofMillis(200))
                .withMessage("waiting for the analytics projection to take in the orders")
                .until(d -> {
                    try {
                        HttpResponse<String> outcomes = HTTP.send(
                                HttpRequest.newBuilder(URI.create(baseUrl + "/api/analytics/outcomes"))
                                        .header("Authorization", "Bearer " + token)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        return outcomes.statusCode() == 200 && outcomes.body().contains("\"failed\":1");
                    } catch (Exception e) {
                        return false;
                    }
                });
        browser.driver.get(baseUrl + "/ops/");
        until("the sign-in panel", d -> find("#sign-in-panel").isDisplayed());
        signIn(TestTokens.OPERATOR_SECRET);
        until("the console", d -> find("#console").isDisplayed());

        until("the outcome mix", d -> find("#analytics-charts").getText().contains("4 orders placed in the window"));
        String charts = find("#analytics-charts").getText();
        assertThat(charts).contains("Orders placed", "Revenue", "Failure reasons", "payment_declined");
        assertThat(browser.driver.findElements(By.cssSelector("#analytics-charts figure")))
                .hasSizeGreaterThanOrEqualTo(4);
        // the screenshot shows the analytics panel alone
        browser.driver.executeScript("document.querySelectorAll('#console > section, #console > .panel')"
                + ".forEach(s => { if (s.id !== 'analytics-panel') s.style.display = 'none'; });");
        browser.screenshot("16-operations-analytics");
    }

    // ---- helpers

    private void signIn(String secret) {
        WebElement input = find("#client-secret");
        input.clear();
        input.sendKeys(secret);
        find("#sign-in").click();
    }

    /** The API and metrics requests the page has made since it loaded, other than signing in. */
    @SuppressWarnings("unchecked")
    private List<String> requestedData() {
        return (List<String>) browser.driver.executeScript("return performance.getEntriesByType('resource')"
                + ".map(e => new URL(e.name).pathname)"
                + ".filter(p => (p.startsWith('/api/') || p.startsWith('/actuator/')) && p !== '/api/auth/token')");
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

    private static void placeOrder(String card) throws Exception {
        String body = "{\"customer_email\":\"ops@example.com\",\"items\":[{\"sku\":\"PROD-002\",\"quantity\":1}],"
                + "\"payment\":{\"card_token\":\"" + card + "\"}}";
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/api/orders"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }
}
