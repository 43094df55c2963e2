package io.orderflow.tools;

import java.io.IOException;

/**
 * SIGSTOP of the application process, for longer than the saga's re-send interval, then SIGCONT: a paused, not
 * dead, process whose connections stay open and whose deadlines pass while it is stopped.
 */
final class PauseNemesis implements Nemesis {

    @Override
    public String name() {
        return "pause";
    }

    @Override
    public String describe() {
        return "SIGSTOP of the application process for longer than orderflow.saga.resend-after, then SIGCONT";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        system.app.pause();
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        system.app.resume();
    }
}
