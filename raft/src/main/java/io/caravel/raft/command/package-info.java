/**
 * The commands replicated through the Raft log (protobuf messages generated from
 * {@code src/main/proto/caravel/raft/command.proto}) and {@link io.caravel.raft.command.CommandCodec},
 * which converts them to and from the store's requests and results. Depends on the store API and
 * protobuf-java only; no Ratis type appears here.
 */
package io.caravel.raft.command;
