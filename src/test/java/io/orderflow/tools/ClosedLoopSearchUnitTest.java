package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClosedLoopSearchUnitTest {

    @Test
    void aFirstStepWhoseBacklogGrewDoesNotEndTheSearch() {
        ClosedLoopSearch search = new ClosedLoopSearch();
        // run 180512: 4 clients accepted 21.9/s and finished 19.7/s, 89.9 %, while the pipeline could finish 39.7
        assertThat(search.stopAfter(4, 21.9, 19.7)).isFalse();
        assertThat(search.stopAfter(8, 36.0, 33.0)).isFalse();
        assertThat(search.best()).isEqualTo(33.0);
        assertThat(search.bestClients()).isEqualTo(8);
    }

    @Test
    void aStepWhoseBacklogGrewWithoutAGainEndsIt() {
        ClosedLoopSearch search = new ClosedLoopSearch();
        assertThat(search.stopAfter(4, 20, 20)).isFalse();
        assertThat(search.stopAfter(8, 30, 20.2)).isTrue();
        assertThat(search.best()).isEqualTo(20.2);
    }

    @Test
    void twoStepsWithoutAThreePercentGainEndIt() {
        ClosedLoopSearch search = new ClosedLoopSearch();
        assertThat(search.stopAfter(4, 20, 20)).isFalse();
        assertThat(search.stopAfter(8, 20.5, 20.5)).isFalse();
        assertThat(search.stopAfter(16, 20.4, 20.4)).isTrue();
        assertThat(search.best()).isEqualTo(20.5);
        assertThat(search.bestClients()).isEqualTo(8);
    }

    @Test
    void aGainResetsTheCount() {
        ClosedLoopSearch search = new ClosedLoopSearch();
        search.stopAfter(4, 10, 10);
        search.stopAfter(8, 10.1, 10.1);
        assertThat(search.stopAfter(16, 15, 15)).isFalse();
        assertThat(search.stopAfter(32, 15, 15)).isFalse();
        assertThat(search.stopAfter(64, 15, 15)).isTrue();
    }

    @Test
    void sustainableMeansFinishingNineTenthsOfWhatWasAccepted() {
        assertThat(ClosedLoopSearch.sustainable(10, 9)).isTrue();
        assertThat(ClosedLoopSearch.sustainable(10, 8.99)).isFalse();
        assertThat(ClosedLoopSearch.sustainable(0, 0)).isTrue();
    }
}
