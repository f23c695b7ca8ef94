package io.caravel.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.raft.snapshot.RawMessages;
import java.util.concurrent.Executor;
import org.apache.ratis.proto.grpc.AdminProtocolServiceGrpc;
import org.apache.ratis.proto.grpc.RaftClientProtocolServiceGrpc;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.thirdparty.io.grpc.Attributes;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.junit.jupiter.api.Test;

class PeerCallExecutorsTest {
    private final Executor pool = Runnable::run;
    private final PeerCallExecutors executors = new PeerCallExecutors(pool);

    @Test
    void forwardedCallsStayOnTheEventLoop() {
        assertThat(executors.getExecutor(call(ForwardService.PROPOSE), new Metadata())).isNull();
        assertThat(executors.getExecutor(call(ForwardService.CURRENT_TERM), new Metadata())).isNull();
    }

    @Test
    void everyRatisCallAndAnyOtherServiceGoToThePool() {
        assertThat(executors.getExecutor(call(RaftServerProtocolServiceGrpc.getAppendEntriesMethod()), new Metadata())).isSameAs(pool);
        assertThat(executors.getExecutor(call(RaftServerProtocolServiceGrpc.getRequestVoteMethod()), new Metadata())).isSameAs(pool);
        assertThat(executors.getExecutor(call(RaftClientProtocolServiceGrpc.getOrderedMethod()), new Metadata())).isSameAs(pool);
        assertThat(executors.getExecutor(call(AdminProtocolServiceGrpc.getSetConfigurationMethod()), new Metadata())).isSameAs(pool);
        assertThat(executors.getExecutor(call(RawMessages.method(MethodDescriptor.MethodType.SERVER_STREAMING,
                "caravel.raft.Checkpoint", "Download")), new Metadata())).isSameAs(pool);
    }

    /** A call that only knows its method: all {@link PeerCallExecutors} looks at. */
    private static <Q, R> ServerCall<Q, R> call(MethodDescriptor<Q, R> method) {
        return new ServerCall<>() {
            @Override
            public MethodDescriptor<Q, R> getMethodDescriptor() {
                return method;
            }

            @Override
            public void request(int numMessages) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void sendHeaders(Metadata headers) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void sendMessage(R message) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close(Status status, Metadata trailers) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public Attributes getAttributes() {
                return Attributes.EMPTY;
            }
        };
    }
}
