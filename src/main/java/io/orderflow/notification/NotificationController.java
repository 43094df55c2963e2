package io.orderflow.notification;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/notifications")
class NotificationController {

    private final Notifications notifications;

    NotificationController(Notifications notifications) {
        this.notifications = notifications;
    }

    /** One order's messages, oldest first; without {@code order_id}, the newest {@code limit}: the mailbox. */
    @GetMapping
    List<Notifications.Notification> list(
            @RequestParam(name = "order_id", required = false) @Size(max = 64) @Nullable String orderId,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
        return orderId != null ? notifications.forOrder(orderId) : notifications.recent(limit);
    }
}
