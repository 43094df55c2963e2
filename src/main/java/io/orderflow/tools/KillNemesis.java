package io.orderflow.tools;

import java.io.IOException;
import java.util.List;

/** SIGKILL of the application process; it stays down for the fault's duration and is then started again. */
final class KillNemesis implements Nemesis {

    @Override
    public String name() {
        return "kill";
    }

    @Override
    public String describe() {
        return "SIGKILL of the application process (every module), down for the fault's duration, then restarted";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        system.app.kill();
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        system.startApp(List.of());
    }
}
