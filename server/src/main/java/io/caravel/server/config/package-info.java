/**
 * The {@code caravel server} command line: etcd's flag names and defaults, parsed into a
 * {@link io.caravel.server.config.ServerConfig}. No dependency beyond the JDK and raft's config record.
 */
package io.caravel.server.config;
