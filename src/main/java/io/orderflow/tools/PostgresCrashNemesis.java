package io.orderflow.tools;

import java.io.IOException;

/**
 * {@code pg_ctl stop -m immediate} on the harness's own cluster (every server process ends at once, no
 * checkpoint), down for the fault's duration, then started again: crash recovery replays the WAL.
 */
final class PostgresCrashNemesis implements Nemesis {

    @Override
    public String name() {
        return "postgres-crash";
    }

    @Override
    public String describe() {
        return "pg_ctl stop -m immediate of the harness's own PostgreSQL, down for the fault's duration, then "
                + "started again (WAL replay)";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        system.postgres.crash();
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        system.startPostgres();
    }
}
