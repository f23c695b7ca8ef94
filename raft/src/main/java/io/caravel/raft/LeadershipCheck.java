package io.caravel.raft;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The leader's half of a ReadIndex round (Raft thesis §6.4): confirms that no member has been elected in
 * a later term, by asking the voters for their current term <em>after</em> the reads arrived.
 *
 * <p>Why a majority answering "term T" is enough: a leader of a later term needs the votes of a majority,
 * which shares a voter with the majority that answered; that voter answered T, so it cast its vote for
 * the later term only after answering (terms never go back), hence after the round began. So every write
 * acknowledged before the round began was committed in term T or earlier, and is at or below the commit
 * index the leader of term T took at the start (once it has committed an entry of its own term). Unlike
 * Ratis 3.3's ReadIndex, a round never reuses answers to messages sent before it began, and there is no
 * lease: no clock is trusted.
 *
 * <h2>Contract</h2>
 * {@link #confirm} completes normally once a majority of the voters (this member counting itself when it
 * votes) answered exactly {@code term}; it fails with {@link ClusterError#NOT_LEADER} as soon as so many
 * answered otherwise (another term, an error) that no majority can, and at once when there are no voters.
 * It does not time out by itself: each ask must complete within its own deadline.
 */
final class LeadershipCheck {
    private LeadershipCheck() {
    }

    /**
     * @param term      the term this member leads in
     * @param selfVotes whether this member is one of the voters
     * @param others    one ask per other voter: sends the question when called, and completes with the term
     *                  the voter answered (or fails)
     */
    static CompletableFuture<Void> confirm(long term, boolean selfVotes, List<Supplier<CompletableFuture<Long>>> others) {
        int voters = others.size() + (selfVotes ? 1 : 0);
        if (voters == 0) {
            return CompletableFuture.failedFuture(ClusterError.NOT_LEADER.exception());
        }
        int needed = voters / 2 + 1;
        int own = selfVotes ? 1 : 0;
        if (own >= needed) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        AtomicInteger agreed = new AtomicInteger(own);
        AtomicInteger refused = new AtomicInteger();
        int refusalsThatDecide = voters - needed + 1;
        for (Supplier<CompletableFuture<Long>> ask : others) {
            CompletableFuture<Long> answer;
            try {
                answer = ask.get();
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((answered, err) -> {
                if (err == null && answered == term) {
                    if (agreed.incrementAndGet() == needed) {
                        result.complete(null);
                    }
                } else if (refused.incrementAndGet() == refusalsThatDecide) {
                    result.completeExceptionally(ClusterError.NOT_LEADER.exception());
                }
            });
        }
        return result;
    }
}
