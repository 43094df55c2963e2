package io.orderflow.messaging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Chaos fault {@code duplicate}: while on, every message a module applies is delivered to it once more. */
final class DuplicateDeliveryFault implements ChaosFault {

    private final TransportFaults faults;

    DuplicateDeliveryFault(TransportFaults faults) {
        this.faults = faults;
    }

    @Override
    public String name() {
        return "duplicate";
    }

    @Override
    public String description() {
        return "every message applied is put back on its module's queue once more (in the kernel's dispatcher, so on "
                + "every transport): the inbox must drop the second delivery";
    }

    @Override
    public boolean active() {
        return faults.duplicating();
    }

    @Override
    public Map<String, Object> inject(Map<String, String> parameters) {
        new FaultParameters(parameters, Set.of());
        faults.duplicate(true);
        return details();
    }

    @Override
    public void heal() {
        faults.duplicate(false);
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("duplicated", faults.duplicatedCount());
        return details;
    }
}
