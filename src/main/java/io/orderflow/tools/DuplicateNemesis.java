package io.orderflow.tools;

import java.util.Map;

/**
 * Duplicate delivery for the fault's duration: every message a module applies is put back on its queue once more
 * (in the kernel's dispatcher), so it is delivered twice and the inbox must drop the second. The report says how many
 * were duplicated.
 */
final class DuplicateNemesis extends RuntimeFaultNemesis {

    DuplicateNemesis() {
        super(
                "duplicate",
                "every message applied is delivered once more (kernel's dispatcher), for the fault's duration",
                Map.of());
    }
}
