package io.orderflow.notification;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.messaging.DependencyUnavailableException;
import io.orderflow.messaging.PoisonMessageException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Properties;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * Sends a stored notification over SMTP ({@code spring.mail.*}), behind the circuit breaker
 * {@code resilience4j.circuitbreaker.instances.smtp}.
 *
 * <ul>
 *   <li>An SMTP server that cannot be reached or refuses for now, and an open breaker, are an outage
 *       ({@link DependencyUnavailableException}): the kernel retries with backoff for the outage budget, then parks.
 *   <li>A server that rejects the recipient for good makes the message poison: parked at once, no retry helps.
 * </ul>
 *
 * Every attempt of one notification carries the same {@code Message-ID}, so a send repeated after a crash between
 * the server's acceptance and our commit is one message to the recipient's mail system.
 */
class Mailer {

    static final String BREAKER = "smtp";
    /** Counts e-mail outcomes by tag {@code outcome}: sent, failed (an attempt), duplicate, undeliverable. */
    static final String OUTCOMES = "orderflow.notification.email";

    /** A stored notification as it goes out. */
    record Email(String messageId, String recipient, String subject, String text, String html) {}

    private final JavaMailSender sender;
    private final CircuitBreaker breaker;
    private final InternetAddress from;
    private final MeterRegistry meters;

    Mailer(JavaMailSender sender, CircuitBreaker breaker, String from, MeterRegistry meters) {
        this.sender = sender;
        this.breaker = breaker;
        this.meters = meters;
        try {
            this.from = new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("orderflow.notification.email.from is not an address: " + from, e);
        }
    }

    /** The domain of the sender's address: the right-hand side of every Message-ID we make. */
    String domain() {
        String address = from.getAddress();
        return address.substring(address.indexOf('@') + 1);
    }

    void send(Email email) {
        MimeMessage message = build(email);
        try {
            breaker.executeRunnable(() -> sender.send(message));
            meters.counter(OUTCOMES, "outcome", "sent").increment();
        } catch (CallNotPermittedException e) {
            meters.counter(OUTCOMES, "outcome", "failed").increment();
            throw new DependencyUnavailableException(
                    "SMTP circuit breaker is " + breaker.getState().name().toLowerCase(Locale.ROOT)
                            + "; not calling the mail server",
                    e);
        } catch (MailException e) {
            meters.counter(OUTCOMES, "outcome", "failed").increment();
            if (rejectsTheRecipient(e)) {
                throw new PoisonMessageException("the mail server refused the recipient of " + email.messageId(), e);
            }
            throw new DependencyUnavailableException("the mail server did not take " + email.messageId(), e);
        }
    }

    private MimeMessage build(Email email) {
        Session session =
                sender instanceof JavaMailSenderImpl impl ? impl.getSession() : Session.getInstance(new Properties());
        MimeMessage message = new StableIdMessage(session, email.messageId());
        try {
            MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
            helper.setFrom(from);
            helper.setTo(new InternetAddress(email.recipient(), true));
            helper.setSubject(email.subject());
            helper.setText(email.text(), email.html());
            helper.setSentDate(Date.from(Instant.now()));
            // RFC 3834: an automatic message, so vacation responders stay quiet
            message.setHeader("Auto-Submitted", "auto-generated");
            return message;
        } catch (MessagingException e) {
            throw new MailPreparationException("cannot build " + email.messageId(), e);
        }
    }

    /** A permanent refusal of the recipient (SMTP 5xx on RCPT TO), not a server that is down or busy. */
    private static boolean rejectsTheRecipient(MailException e) {
        if (e instanceof MailAuthenticationException) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SendFailedException failed
                    && failed.getInvalidAddresses() != null
                    && failed.getInvalidAddresses().length > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code address} is one plain mailbox ({@code name@domain}): no display name, list or group. */
    static boolean isMailbox(String address) {
        if (address.isEmpty() || address.length() > 254 || address.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            return !parsed.isGroup() && address.equals(parsed.getAddress()) && address.indexOf('@') > 0;
        } catch (AddressException e) {
            return false;
        }
    }

    /** Jakarta Mail gives a message a new Message-ID whenever it is saved; ours keeps the notification's. */
    private static final class StableIdMessage extends MimeMessage {

        private final String messageId;

        StableIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
