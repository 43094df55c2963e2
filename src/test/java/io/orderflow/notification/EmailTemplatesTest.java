package io.orderflow.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The customer e-mails as rendered, and which recipients may be handed to the mail server. */
class EmailTemplatesTest {

    private final EmailTemplates templates = new EmailTemplates();

    @Test
    void everyKindHasASubjectATextAndAnHtmlBody() {
        for (EmailTemplates.Kind kind : EmailTemplates.Kind.values()) {
            EmailTemplates.Rendered rendered = templates.render(kind, Map.of("orderId", "o-1", "name", "Ada"));
            assertThat(rendered.subject()).as(kind.name()).isNotBlank();
            assertThat(rendered.text()).as(kind.name()).isNotBlank();
            assertThat(rendered.html()).as(kind.name()).startsWith("<!DOCTYPE html>");
        }
    }

    @Test
    void aFailedOrderSaysWhyAndWhatWasUndone() {
        EmailTemplates.Rendered rendered = templates.render(
                EmailTemplates.Kind.FAILED,
                Map.of(
                        "orderId", "o-7",
                        "reason", "payment declined",
                        "detail", "card_declined",
                        "undone", List.of("The stock reserved for you was released."),
                        "anythingUndone", true));

        assertThat(rendered.subject()).isEqualTo("We could not complete your order o-7");
        assertThat(rendered.text())
                .contains("Reason: payment declined. card_declined")
                .contains("- The stock reserved for you was released.")
                .doesNotContain("Nothing was charged");
        assertThat(rendered.html()).contains("<li>The stock reserved for you was released.</li>");
    }

    @Test
    void aFailureWithNothingToUndoSaysNothingWasCharged() {
        EmailTemplates.Rendered rendered = templates.render(
                EmailTemplates.Kind.FAILED,
                Map.of("orderId", "o-8", "reason", "unknown sku", "undone", List.of(), "anythingUndone", false));

        assertThat(rendered.text()).contains("Nothing was charged").doesNotContain("What we undid");
    }

    @Test
    void escapesValuesInHtmlAndKeepsThemOutOfOtherHeaders() {
        EmailTemplates.Rendered rendered = templates.render(
                EmailTemplates.Kind.WELCOME,
                Map.of("name", "<script>x</script>\r\nBcc: victim@example.com", "email", "a@example.com"));

        assertThat(rendered.html()).contains("&lt;script&gt;").doesNotContain("<script>");
        assertThat(rendered.subject())
                .doesNotContain("\r")
                .doesNotContain("\n")
                .isEqualTo("Welcome to orderflow, <script>x</script> Bcc: victim@example.com");
    }

    @Test
    void onlyOnePlainMailboxIsARecipient() {
        assertThat(Mailer.isMailbox("ada@example.com")).isTrue();
        assertThat(Mailer.isMailbox("ada+orders@mail.example.co.uk")).isTrue();

        assertThat(Mailer.isMailbox("")).isFalse();
        assertThat(Mailer.isMailbox("ada")).isFalse();
        assertThat(Mailer.isMailbox("ada@example.com, eve@example.com")).isFalse();
        assertThat(Mailer.isMailbox("Ada <ada@example.com>")).isFalse();
        assertThat(Mailer.isMailbox("ada@example.com\r\nBcc: eve@example.com")).isFalse();
        assertThat(Mailer.isMailbox("friends: ada@example.com, eve@example.com;"))
                .isFalse();
        assertThat(Mailer.isMailbox("a".repeat(250) + "@example.com")).isFalse();
    }
}
