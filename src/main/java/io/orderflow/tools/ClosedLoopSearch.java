package io.orderflow.tools;

/**
 * When the closed-loop search stops and which step it keeps: the best finished rate so far, and how many steps in a
 * row have not beaten it by 3 %. Two such steps end the search, and so does one whose backlog grew (it finished less
 * than nine tenths of what it accepted) if it gained nothing either. A step that gained goes on even with a growing
 * backlog: the first step's few seconds count the pipeline filling up, and admission control refuses what more
 * clients add, so a grown backlog alone does not mean the limit is found.
 */
final class ClosedLoopSearch {

    private double best;
    private int bestClients;
    private int noGain;

    /** Records one step; true when the search should stop after it. */
    boolean stopAfter(int clients, double accepted, double finished) {
        noGain = finished > best * 1.03 ? 0 : noGain + 1;
        if (finished > best) {
            best = finished;
            bestClients = clients;
        }
        return noGain >= 2 || (!sustainable(accepted, finished) && noGain > 0);
    }

    static boolean sustainable(double accepted, double finished) {
        return finished >= 0.9 * accepted;
    }

    double best() {
        return best;
    }

    int bestClients() {
        return bestClients;
    }
}
