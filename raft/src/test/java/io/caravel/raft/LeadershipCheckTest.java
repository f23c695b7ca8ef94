package io.caravel.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Unit tests of {@link LeadershipCheck} with scripted voters. */
class LeadershipCheckTest {
    private static final long TERM = 7;

    /** Voters whose answers the test gives; each records whether it was asked. */
    private final List<CompletableFuture<Long>> answers = new ArrayList<>();
    private final List<Boolean> asked = new ArrayList<>();

    private List<Supplier<CompletableFuture<Long>>> voters(int n) {
        List<Supplier<CompletableFuture<Long>>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            answers.add(new CompletableFuture<>());
            asked.add(false);
            out.add(() -> {
                asked.set(id, true);
                return answers.get(id);
            });
        }
        return out;
    }

    private static void assertNotLeader(CompletableFuture<Void> check) {
        assertThatThrownBy(() -> check.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ClusterException.class)
                .satisfies(e -> assertThat(((ClusterException) e).error()).isEqualTo(ClusterError.NOT_LEADER));
    }

    @Test
    void oneOtherVoterOfThreeAnsweringTheTermConfirms() throws Exception {
        CompletableFuture<Void> check = LeadershipCheck.confirm(TERM, true, voters(2));
        assertThat(asked).containsExactly(true, true); // every voter is asked, at once
        assertThat(check).isNotDone();
        answers.get(1).complete(TERM);
        check.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aVoterInALaterTermDoesNotCount() {
        CompletableFuture<Void> check = LeadershipCheck.confirm(TERM, true, voters(2));
        answers.get(0).complete(TERM + 1); // a later leader may exist
        assertThat(check).isNotDone();
        answers.get(1).completeExceptionally(new IllegalStateException("unreachable"));
        assertNotLeader(check);
    }

    @Test
    void aVoterInAnEarlierTermDoesNotCountEither() {
        CompletableFuture<Void> check = LeadershipCheck.confirm(TERM, true, voters(2));
        answers.get(0).complete(TERM - 1);
        answers.get(1).complete(TERM - 1);
        assertNotLeader(check);
    }

    @Test
    void fiveVotersNeedTwoOthersAndFailOnceThreeRefused() throws Exception {
        CompletableFuture<Void> confirmed = LeadershipCheck.confirm(TERM, true, voters(4));
        answers.get(0).complete(TERM);
        assertThat(confirmed).isNotDone();
        answers.get(3).complete(TERM);
        confirmed.get(5, TimeUnit.SECONDS);

        answers.clear();
        asked.clear();
        CompletableFuture<Void> refused = LeadershipCheck.confirm(TERM, true, voters(4));
        answers.get(0).complete(TERM + 2);
        answers.get(1).completeExceptionally(new IllegalStateException("timeout"));
        assertThat(refused).isNotDone(); // two voters can still make the majority
        answers.get(2).complete(TERM + 2);
        assertNotLeader(refused);
    }

    @Test
    void aLeaderThatIsNotAVoterNeedsAMajorityOfTheOthers() throws Exception {
        CompletableFuture<Void> check = LeadershipCheck.confirm(TERM, false, voters(3));
        answers.get(0).complete(TERM);
        assertThat(check).isNotDone();
        answers.get(2).complete(TERM);
        check.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aSingleVoterGroupConfirmsAtOnceAndNoVotersNever() throws Exception {
        LeadershipCheck.confirm(TERM, true, List.of()).get(5, TimeUnit.SECONDS);
        assertNotLeader(LeadershipCheck.confirm(TERM, false, List.of()));
    }

    @Test
    void anAskThatThrowsCountsAsARefusal() {
        List<Supplier<CompletableFuture<Long>>> throwing = List.of(() -> {
            throw new IllegalStateException("no channel");
        }, () -> {
            throw new IllegalStateException("no channel");
        });
        assertNotLeader(LeadershipCheck.confirm(TERM, true, throwing));
    }
}
